using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SkillVerify.Api.Credentials;

/// <summary>
/// Two server-rendered pages, Chinese first then English, without JavaScript, self-contained (one inline
/// stylesheet allowed by its hash) so they can be restyled with the other pages later:
/// <c>GET /credentials/{code}?t=…</c> explains the file and offers it; <c>GET/POST /credentials/verify</c> takes a
/// presented credential (pasted or as a file) and shows the outcome and exactly what it discloses.
/// </summary>
public static class CredentialPages
{
    private const int MaxFormBytes = CredentialVerifier.MaxLength + 4096;
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        body{margin:0 auto;max-width:42rem;padding:1rem;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;line-height:1.6;color:#1a1a1a}
        .en{color:#444}
        a.button,button{display:inline-block;font-size:1.125rem;padding:0.6rem 1rem;border:0;border-radius:0.375rem;background:#0b4fae;color:#fff;font-weight:700;text-decoration:none}
        textarea{width:100%;min-height:8rem;font-family:ui-monospace,monospace}
        .state{border-radius:0.5rem;padding:1rem;color:#fff}
        .VALID{background:#1b5e20}.INVALID{background:#b71c1c}.UNKNOWN{background:#37474f}
        .NOT_FOUND{background:#fff3cd;color:#5c3c00;border:2px solid #b26a00}
        dt{font-weight:700;margin-top:0.5rem}dd{margin:0;overflow-wrap:anywhere}
        """;

    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapCredentialPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/credentials").ExcludeFromDescription();
        pages.MapGet("/verify", (HttpContext context) => Page(context, "核验电子证书 Verify an electronic certificate", VerifyForm()));
        pages.MapPost("/verify", VerifyAsync);
        pages.MapGet("/{code}", DownloadPageAsync);
        return app;
    }

    private static async Task<IResult> DownloadPageAsync(string code, string? t, HttpContext context, CancellationToken cancellationToken)
    {
        // Issued once here only to find out whether a file can be had; the link below issues the file itself.
        var (_, problem) = await CredentialsApi.IssueAsync(code, t, context, cancellationToken);
        var body = new StringBuilder();
        body.Append("<h1>电子证书下载 <span class=\"en\">Download your electronic certificate</span></h1>\n");
        if (problem is not null)
        {
            var ext = problem.ProblemDetails.Extensions;
            body.Append("<p data-problem=\"").Append(Html.Encode(ext["code"]?.ToString() ?? "")).Append("\">").Append(Html.Encode(ext["messageZh"]?.ToString() ?? ""))
                .Append("</p>\n<p class=\"en\">").Append(Html.Encode(ext["messageEn"]?.ToString() ?? "")).Append("</p>\n");
            // 200 with the sentence, as the mobile page does: a person reads it; the API answers the same refusal as a problem.
            return Page(context, "电子证书 Electronic certificate", body.ToString());
        }
        var href = $"{context.Request.PathBase}/api/v1/certificates/{Uri.EscapeDataString(code)}/credential?t={Uri.EscapeDataString(t ?? "")}";
        body.Append("""
            <p>这是一份由本核验服务签名的<strong>电子证书文件</strong>（国际通用的 SD-JWT VC 格式），内容与您的职业技能等级证书一致：等级、职业（工种）、评价机构、发证日期和证书状态。
            您的姓名和证件号码只以<strong>部分隐去</strong>的形式写入（本服务从不保存完整的姓名和证件号码），并且由您决定是否出示。</p>
            <p>您可以把文件存入手机或数字钱包，出国求职时交给雇主或机构。任何人都可以用本服务公布的公钥检查签名，并查询本服务的状态列表确认证书未被撤销，无需联系发证机构。</p>
            <p class="en">This is an <strong>electronic certificate file</strong> signed by this verification service, in the internationally used SD-JWT VC format. It says what your
            skill-level certificate says: level, occupation (work type), assessment organization, date of issue and standing. Your name and ID number are in it only
            <strong>partly hidden</strong> (the service never holds them in full), and you choose whether to show them.</p>
            <p class="en">Keep it on your phone or in a digital wallet and give it to an employer or agency abroad. Anyone can check its signature with this service's published
            keys, and its status list tells whether it was revoked, without contacting the issuer.</p>
            """);
        body.Append("<p><a class=\"button\" href=\"").Append(Html.Encode(href)).Append("\" download>下载电子证书 Download</a></p>\n");
        body.Append("<p>核验方可在 <a href=\"").Append(Html.Encode(context.Request.PathBase + "/credentials/verify")).Append("\">/credentials/verify</a> 核验。 <span class=\"en\">Verifiers can check it at the same address.</span></p>\n");
        return Page(context, "电子证书 Electronic certificate", body.ToString());
    }

    private static string VerifyForm() => """
        <h1>核验电子证书 <span class="en">Verify an electronic certificate</span></h1>
        <p>粘贴对方出示的电子证书（SD-JWT VC），或选择文件。<span class="en">Paste the presented credential (SD-JWT VC) or choose its file.</span></p>
        <form method="post" action="verify" enctype="multipart/form-data">
        <p><label for="credential">电子证书 Credential</label><br><textarea id="credential" name="credential"></textarea></p>
        <p><label for="file">或文件 Or a file</label> <input id="file" name="file" type="file"></p>
        <p><button type="submit">核验 Verify</button></p>
        </form>
        """;

    private static async Task<IResult> VerifyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > MaxFormBytes || !context.Request.HasFormContentType)
        {
            return Page(context, "核验电子证书 Verify", "<p data-problem=\"credential.form\">请粘贴电子证书或选择文件（最多 16 KB）。</p><p class=\"en\">Paste the credential or choose its file (16 KB at most).</p>" + VerifyForm());
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = MaxFormBytes, ValueLengthLimit = MaxFormBytes }, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Page(context, "核验电子证书 Verify", "<p data-problem=\"credential.form\">表单无法读取。</p><p class=\"en\">The form cannot be read.</p>" + VerifyForm());
        }
        var credential = form["credential"].ToString();
        if (string.IsNullOrWhiteSpace(credential) && form.Files.GetFile("file") is { Length: > 0 and <= CredentialVerifier.MaxLength } file)
        {
            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
            credential = await reader.ReadToEndAsync(cancellationToken);
        }
        if (CredentialsApi.ValidateInput(credential, null) is { } problem)
        {
            var ext = problem.ProblemDetails.Extensions;
            return Page(context, "核验电子证书 Verify", $"<p data-problem=\"{Html.Encode(ext["code"]?.ToString() ?? "")}\">{Html.Encode(ext["messageZh"]?.ToString() ?? "")}</p><p class=\"en\">{Html.Encode(ext["messageEn"]?.ToString() ?? "")}</p>" + VerifyForm());
        }
        var result = await CredentialsApi.VerifyPresentedAsync(credential, [], context, cancellationToken);
        var (zh, en) = result.Outcome switch
        {
            "VALID" => ("有效", "Valid"),
            "INVALID" => ("无效", "Invalid"),
            "NOT_FOUND" => ("未查到相符的证书", "Not found"),
            _ => ("无法确认", "Cannot be confirmed"),
        };
        var body = new StringBuilder();
        body.Append("<section class=\"state ").Append(result.Outcome).Append("\" data-state=\"").Append(result.Outcome).Append("\"><h1>")
            .Append(zh).Append(" <span>").Append(en).Append("</span></h1></section>\n<ul>\n");
        foreach (var check in result.Checks)
        {
            body.Append("<li>").Append(Html.Encode(check.MessageZh)).Append(" <span class=\"en\">").Append(Html.Encode(check.MessageEn)).Append("</span></li>\n");
        }
        body.Append("</ul>\n");
        if (result.Claims is { } claims)
        {
            // Only what the presentation shows: the always-visible claims and the disclosures it carries.
            body.Append("<h2>出示的内容 <span class=\"en\">What it shows</span></h2>\n<dl>\n");
            foreach (var (claim, labelZh, labelEn) in CredentialIssuer.ClaimLabels)
            {
                if (claims[claim] is { } value)
                {
                    body.Append("<dt>").Append(Html.Encode(labelZh)).Append(" <span class=\"en\">").Append(Html.Encode(labelEn)).Append("</span></dt><dd data-claim=\"")
                        .Append(Html.Encode(claim)).Append("\">").Append(Html.Encode(Text(value))).Append("</dd>\n");
                }
            }
            body.Append("</dl>\n");
        }
        body.Append("<p><a href=\"verify\">再核验一份 Verify another</a></p>\n");
        return Page(context, "核验结果 Verification result", body.ToString());
    }

    private static string Text(JsonNode value) => value switch
    {
        JsonObject o when o["name_zh"] is { } name => $"{name}{(o["name_en"] is { } nameEn ? " / " + nameEn : "")}{(o["work_type_zh"] is { } wt ? "（" + wt + "）" : "")}",
        JsonObject o when o["label_zh"] is { } label => $"{label} / {o["label_en"]}{(o["since"] is { } since ? "（" + since + "）" : "")}",
        JsonObject o when o["from"] is { } from => $"{from} – {o["to"]}",
        JsonValue v => v.ToString(),
        _ => value.ToJsonString(),
    };

    private static ContentHttpResult Page(HttpContext context, string title, string body)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var html = $"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{Html.Encode(title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n";
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }
}
