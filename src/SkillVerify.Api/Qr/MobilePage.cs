using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.WebUtilities;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Qr;

/// <summary>
/// The page a phone lands on after scanning a certificate's QR: <c>GET /v/{code}?t={token}</c>. Server-rendered
/// HTML without JavaScript, Chinese by default (<c>lang=en</c> for English), readable at 360 px. A valid token
/// shows the masked record; anything else shows only a form asking for the holder's name, posted (never put in
/// a URL) to <c>POST /v/{code}</c>, which verifies anonymously. Every value is HTML-encoded on its way out.
/// </summary>
public static class MobilePage
{
    private const int MaxFormBytes = 2 * 1024;

    // Keeps Chinese readable in the markup while still encoding < > & " ' and the like.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        :root{color-scheme:light}
        *{box-sizing:border-box}
        body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;font-size:1.0625rem;line-height:1.6;color:#1a1a1a;background:#fff}
        header,main,footer{max-width:40rem;margin:0 auto;padding:0.75rem 1rem}
        header{display:flex;justify-content:space-between;align-items:center;gap:0.5rem;border-bottom:1px solid #c4c4c4}
        .brand{font-weight:700}
        a{color:#0b4fae}
        a:focus,button:focus,input:focus{outline:3px solid #f0a000;outline-offset:2px}
        .state{border-radius:0.5rem;padding:1rem;margin:0.5rem 0 1rem;color:#fff}
        .state h1{margin:0;font-size:2.25rem;line-height:1.2}
        .state p{margin:0.5rem 0 0;font-size:1.0625rem}
        .state-valid{background:#1b5e20}
        .state-invalid{background:#b71c1c}
        .state-unknown{background:#37474f}
        .state-notfound{background:#fff3cd;color:#5c3c00;border:2px solid #b26a00}
        .standing{font-weight:bold}
        dl{margin:0}
        dt{font-weight:700;color:#333;margin-top:0.75rem}
        dd{margin:0;overflow-wrap:anywhere}
        .code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;letter-spacing:0.02em}
        form{margin:1rem 0}
        label{display:block;font-weight:700;margin-bottom:0.25rem}
        input[type=text]{width:100%;font-size:1.125rem;padding:0.6rem;border:2px solid #555;border-radius:0.375rem}
        button{margin-top:0.75rem;width:100%;font-size:1.125rem;padding:0.7rem;border:0;border-radius:0.375rem;background:#0b4fae;color:#fff;font-weight:700}
        .error{color:#b71c1c;font-weight:700}
        details{margin-top:1rem}
        .checks li{margin:0.25rem 0}
        footer{color:#444;font-size:0.9375rem;border-top:1px solid #c4c4c4;margin-top:1.5rem}
        """;

    // The page allows exactly this stylesheet and nothing else: no scripts, no frames, forms only to itself.
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; " +
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapMobilePage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v").ExcludeFromDescription();
        group.MapGet("/{code}", ShowAsync).RecordsVerifications(VerificationChannels.MobilePage);
        group.MapPost("/{code}", VerifyByNameAsync).RecordsVerifications(VerificationChannels.MobilePage);
        return app;
    }

    private static async Task<IResult> ShowAsync(string code, string? t, string? lang, HttpContext context, VerificationService verification, QrTokens tokens,
        HolderBindingBudget budget, VerificationMetrics metrics, CancellationToken cancellationToken)
    {
        var en = IsEnglish(lang);
        var parse = CodeParser.Parse(code);
        if (!parse.Success)
        {
            // A code that does not parse reveals nothing about any record: say what is wrong with it.
            var invalid = await verification.VerifyAsync(code, null, null, Disclosure.Anonymous, cancellationToken);
            metrics.Record(VerificationChannels.MobilePage, HolderBindingBudget.CallerOf(context, HolderProof.Details), invalid.Outcome, code);
            return Page(context, en, ResultBody(invalid, code, en), SwitchHref(context, code, t, !en));
        }
        var canonical = parse.Canonical!;
        var token = parse.Code is not null ? tokens.Check(canonical, t) : TokenState.Missing;
        if (token != TokenState.Missing && await budget.TryTakeAsync(context, VerificationChannels.MobilePage, canonical, HolderProof.Token, 1, cancellationToken) is { Allowed: false } refused)
        {
            return Refused(context, en, refused, SwitchHref(context, canonical, t, !en));
        }
        if (token == TokenState.Valid)
        {
            context.SetVerificationSubject(HolderBindingBudget.TokenHolder, canonical);
            var answer = await verification.VerifyAsync(canonical, null, null, Disclosure.Authorized, cancellationToken);
            metrics.Record(VerificationChannels.MobilePage, HolderBindingBudget.CallerOf(context, HolderProof.Token), answer.Outcome, canonical);
            string Render() => PageHtml(en, ResultBody(answer, canonical, en), SwitchHref(context, canonical, t, !en));
            // A memoized answer keeps its rendered pages (one per language and link): the same bytes as rendering it again.
            var rendered = verification.Rendered(answer, $"{(en ? "en" : "zh")}\n{context.Request.PathBase}\n{t}", () => Encoding.UTF8.GetBytes(Render()));
            SetPageHeaders(context);
            return rendered is not null ? TypedResults.Bytes(rendered, HtmlType) : TypedResults.Content(Render(), HtmlType);
        }
        return Page(context, en, FormBody(context, parse, en, token, nameMissing: false), SwitchHref(context, canonical, t, !en));
    }

    private static async Task<IResult> VerifyByNameAsync(string code, HttpContext context, VerificationService verification, HolderBindingBudget budget, VerificationMetrics metrics,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "request.content_type",
                "请求体须为表单（Content-Type: application/x-www-form-urlencoded）。", "The request body must be a form (Content-Type: application/x-www-form-urlencoded).", null);
        }
        if (request.ContentLength > MaxFormBytes)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            using var limited = new LimitedStream(request.Body, MaxFormBytes);
            using var reader = new FormReader(limited) { ValueCountLimit = 8, KeyLengthLimit = 16, ValueLengthLimit = 512 };
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is LimitedStream.LimitExceededException or InvalidDataException)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        var en = IsEnglish(form.GetValueOrDefault("lang"));
        var name = form.GetValueOrDefault("name").ToString().Trim();
        var parse = CodeParser.Parse(code);
        var canonical = parse.Canonical ?? code;
        if (parse.Success && (name.Length == 0 || name.Length > HolderNormalization.MaxNameLength))
        {
            return Page(context, en, FormBody(context, parse, en, TokenState.Missing, nameMissing: true), SwitchHref(context, canonical, null, !en));
        }
        // A name tested against a code spends from the caller's holder-check budget, as on every channel.
        BudgetDecision? decision = null;
        if (parse.Success)
        {
            decision = await budget.TryTakeAsync(context, VerificationChannels.MobilePage, canonical, HolderProof.Details, 1, cancellationToken);
            if (!decision.Allowed)
            {
                return Refused(context, en, decision, SwitchHref(context, canonical, null, !en));
            }
        }
        var caller = decision?.Caller ?? HolderBindingBudget.CallerOf(context, HolderProof.Details);
        context.SetVerificationSubject(caller, code);
        // A code that does not parse is answered INVALID with its format error, whatever the name.
        var answer = await verification.VerifyAsync(code, name.Length is > 0 and <= HolderNormalization.MaxNameLength ? name : null, null, Disclosure.Anonymous, cancellationToken);
        if (decision is not null)
        {
            await budget.ReportAsync(decision, bound: answer.Certificate is not null, cancellationToken);
        }
        metrics.Record(VerificationChannels.MobilePage, caller, answer.Outcome, code);
        return Page(context, en, ResultBody(answer, canonical, en), SwitchHref(context, canonical, null, !en));
    }

    /// <summary>A check the holder-check budget refused: a 429 page that says why, when to retry and what still works.</summary>
    private static IResult Refused(HttpContext context, bool en, BudgetDecision decision, string switchHref)
    {
        SetPageHeaders(context);
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var (_, zh, english) = decision.Explanation;
        var body = new StringBuilder(512)
            .Append("<h1>").Append(en ? "Please wait" : "请稍后再试").Append("</h1>\n")
            .Append("<p class=\"error\" id=\"refused\">").Append(Html.Encode(en ? english : zh)).Append("</p>\n").ToString();
        return TypedResults.Content(PageHtml(en, body, switchHref), HtmlType, Encoding.UTF8, StatusCodes.Status429TooManyRequests);
    }

    private static bool IsEnglish(string? lang) => string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase);

    private static string SwitchHref(HttpContext context, string code, string? token, bool toEnglish)
    {
        var path = $"{context.Request.PathBase}/v/{Uri.EscapeDataString(code)}";
        var query = new Dictionary<string, string?>();
        if (!string.IsNullOrEmpty(token) && token.Length <= 64)
        {
            query["t"] = token;
        }
        query["lang"] = toEnglish ? "en" : "zh";
        return QueryHelpers.AddQueryString(path, query);
    }

    private const string HtmlType = "text/html; charset=utf-8";

    private static IResult Page(HttpContext context, bool en, string body, string switchHref)
    {
        SetPageHeaders(context);
        return TypedResults.Content(PageHtml(en, body, switchHref), HtmlType);
    }

    private static void SetPageHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        // The page may carry a masked name and the URL a token: no cache keeps it, no referrer carries it away.
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static string PageHtml(bool en, string body, string switchHref)
    {
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(en ? "en" : "zh-CN").Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(en ? "Skill certificate verification" : "职业技能等级证书核验").Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<header>\n<span class=\"brand\">").Append(en ? "SkillVerify" : "职业技能等级证书核验").Append("</span>\n")
            .Append("<a href=\"").Append(Html.Encode(switchHref)).Append("\" lang=\"").Append(en ? "zh-CN" : "en").Append("\" hreflang=\"").Append(en ? "zh-CN" : "en").Append("\">")
            .Append(en ? "中文" : "English").Append("</a>\n</header>\n")
            .Append("<main id=\"main\">\n").Append(body).Append("</main>\n")
            .Append("<footer>\n<p>").Append(en
                ? "Only the masked name is shown. This page never asks for an ID number or payment."
                : "页面仅显示脱敏后的姓名。本页面不会索要身份证件号码或任何费用。").Append("</p>\n</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string ResultBody(VerificationResponse answer, string code, bool en)
    {
        // Each outcome its own words and colour: "not found, check what you typed" is never "invalid".
        var (css, symbol, word) = answer.Outcome switch
        {
            "VALID" => ("state-valid", "✓", en ? "Valid" : "有效"),
            "INVALID" => ("state-invalid", "✗", en ? "Invalid" : "无效"),
            "NOT_FOUND" => ("state-notfound", "!", en ? "No matching certificate found — check the code and the name" : "未查到相符的证书，请核对编号和姓名"),
            _ => ("state-unknown", "?", en ? "Cannot be confirmed" : "无法确认"),
        };
        var html = new StringBuilder(2048);
        // The state is a word and a symbol, not only a colour.
        html.Append("<section class=\"state ").Append(css).Append("\" data-state=\"").Append(Html.Encode(answer.Outcome)).Append("\" aria-labelledby=\"state\">\n")
            .Append("<h1 id=\"state\"><span aria-hidden=\"true\">").Append(symbol).Append("</span> ").Append(Html.Encode(word)).Append("</h1>\n")
            .Append("<p id=\"reason\">").Append(Html.Encode(Reason(answer, en))).Append("</p>\n</section>\n");

        html.Append("<section aria-labelledby=\"details-title\">\n<h2 id=\"details-title\">").Append(en ? "Certificate" : "证书信息").Append("</h2>\n<dl>\n");
        Item(html, en ? "Certificate code" : "证书编号", DisplayCode(code), "code", "code");
        if (answer.Certificate is { } c)
        {
            var level = ReferenceData.FindLevel(c.Level.Code[0]);
            var grade = level?.Grade is { Length: > 0 } g ? (en ? $" (grade {g})" : $"（{g}）") : "";
            Item(html, en ? "Holder" : "持证人", c.HolderNameMasked, "holder");
            if (StandingText(c, en) is { } standing)
            {
                Item(html, en ? "Standing" : "称号状态", standing, "standing", "standing");
            }
            Item(html, en ? "Level" : "等级", (en ? c.Level.NameEn : c.Level.Name) + grade, "level");
            Item(html, en ? "Occupation" : "职业（工种）", $"{c.Occupation.Code} {c.Occupation.Name}{(c.Occupation.WorkType is { Length: > 0 } w ? (en ? $" ({w})" : $"（{w}）") : "")}", "occupation");
            html.Append("<dt>").Append(en ? "Issued by" : "发证机构").Append("</dt>\n<dd data-field=\"issuer\"><a href=\"").Append(Html.Encode(c.Issuer.Href)).Append("\">")
                .Append(Html.Encode(c.Issuer.Name ?? c.Issuer.Code)).Append("</a> <span class=\"code\">").Append(Html.Encode(c.Issuer.Code)).Append("</span></dd>\n");
            Item(html, en ? "Issue date" : "发证日期", c.IssueDate, "issue-date");
            if (c.AppointmentTerm is { } term)
            {
                Item(html, en ? "Appointment term" : "聘期", $"{term.From} – {term.To}", "term");
            }
            if (c.RevokedOn is { } revoked)
            {
                Item(html, en ? "Revoked on" : "撤销日期", revoked, "revoked-on");
            }
        }
        var f = answer.Freshness;
        var freshness = en
            ? $"Registry snapshot {f.RegistrySnapshot}, updated {Time(f.RegistryUpdatedAt)}{(f.RecordUpdatedAt is { } r ? $"; record updated {Time(r)}" : "")}; {(f.FromCache ? "served from cache" : "read just now")}."
            : $"评价机构目录第 {f.RegistrySnapshot} 版，更新于 {Time(f.RegistryUpdatedAt)}{(f.RecordUpdatedAt is { } r2 ? $"；证书记录更新于 {Time(r2)}" : "")}；{(f.FromCache ? "来自缓存" : "刚刚读取")}。";
        Item(html, en ? "Data freshness" : "数据时效", freshness, "freshness");
        html.Append("</dl>\n</section>\n");

        html.Append("<details>\n<summary>").Append(en ? "All checks" : "全部核验项").Append("</summary>\n<ul class=\"checks\">\n");
        foreach (var check in answer.Checks)
        {
            var status = check.Status switch
            {
                "pass" => en ? "Pass" : "通过",
                "fail" => en ? "Fail" : "不通过",
                "not_applicable" => en ? "Not applicable" : "不适用",
                _ => en ? "Unknown" : "无法确定",
            };
            html.Append("<li><strong>").Append(Html.Encode(status)).Append("</strong>: ").Append(Html.Encode(en ? check.MessageEn : check.MessageZh)).Append("</li>\n");
        }
        html.Append("</ul>\n</details>\n");
        return html.ToString();
    }

    private static string? StandingText(CertificateDto c, bool en) => c.Standing switch
    {
        "historical" => en ? $"Historical title since {c.StandingSince} (the appointment term has ended; the certificate is genuine)" : $"历史称号（自 {c.StandingSince} 起，聘期已届满；证书真实）",
        "not_yet_in_force" => en ? $"Not yet in force (from {c.StandingSince})" : $"尚未生效（自 {c.StandingSince} 起）",
        "pending_review" => en ? "Awaiting review confirmation (复核确认)" : "待复核确认",
        "current" when c.AppointmentTerm is not null => en ? "Current title" : "现任",
        _ => null,
    };

    private static string FormBody(HttpContext context, ParseResult parse, bool en, TokenState token, bool nameMissing, string? retryName = null)
    {
        var canonical = parse.Canonical!;
        var html = new StringBuilder(1024);
        html.Append(retryName is null ? "<h1>" : "<h2>").Append(retryName is not null ? (en ? "Check and try again" : "核对后重新核验") : en ? "Verify this certificate" : "核验此证书")
            .Append(retryName is null ? "</h1>\n" : "</h2>\n");
        html.Append("<p>").Append(token switch
        {
            TokenState.Invalid => en
                ? "The link's verification token is not valid (the QR code may have been altered or replaced). To verify, enter the holder's name as printed on the certificate."
                : "链接中的核验令牌无效（二维码可能被篡改或更换）。如需核验，请输入证书上的持证人姓名。",
            _ => en
                ? "To verify, enter the holder's name as printed on the certificate."
                : "如需核验，请输入证书上的持证人姓名。",
        }).Append("</p>\n");
        html.Append("<dl>\n");
        Item(html, en ? "Certificate code" : "证书编号", DisplayCode(canonical), "code", "code");
        html.Append("</dl>\n");
        html.Append("<form method=\"post\" action=\"").Append(Html.Encode($"{context.Request.PathBase}/v/{Uri.EscapeDataString(canonical)}")).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(en ? "en" : "zh").Append("\">\n")
            .Append("<label for=\"name\">").Append(en ? "Holder's name" : "持证人姓名").Append("</label>\n");
        if (nameMissing)
        {
            html.Append("<p class=\"error\" id=\"name-error\">").Append(en
                ? $"Enter the holder's name (at most {HolderNormalization.MaxNameLength} characters)."
                : $"请输入持证人姓名（最多{HolderNormalization.MaxNameLength}个字符）。").Append("</p>\n");
        }
        html.Append("<input type=\"text\" id=\"name\" name=\"name\" required maxlength=\"").Append(HolderNormalization.MaxNameLength)
            .Append("\" autocomplete=\"off\"").Append(retryName is null ? "" : " value=\"" + Html.Encode(retryName) + "\"").Append(nameMissing ? " aria-invalid=\"true\" aria-describedby=\"name-error\"" : "").Append(">\n")
            .Append("<button type=\"submit\">").Append(en ? "Verify" : "核验").Append("</button>\n</form>\n");
        return html.ToString();
    }

    /// <summary>One sentence: why VALID, or the first check that failed, or the first that could not be decided.</summary>
    private static string Reason(VerificationResponse answer, bool en)
    {
        if (answer.Outcome == "VALID")
        {
            return en
                ? "The certificate is genuine: its record exists, it has not been revoked, and its issuer was entitled to issue it on the issue date."
                : "证书真实有效：证书记录存在且未被撤销，发证机构在发证日有权颁发此证书。";
        }
        var wanted = answer.Outcome is "INVALID" or "NOT_FOUND" ? "fail" : "unknown";
        var check = answer.Checks.FirstOrDefault(c => c.Status == wanted) ?? answer.Checks.FirstOrDefault(c => c.Status is "fail" or "unknown");
        return check is null ? "" : en ? check.MessageEn : check.MessageZh;
    }

    private static void Item(StringBuilder html, string label, string value, string field, string? css = null)
    {
        html.Append("<dt>").Append(Html.Encode(label)).Append("</dt>\n<dd data-field=\"").Append(field).Append('"');
        if (css is not null)
        {
            html.Append(" class=\"").Append(css).Append('"');
        }
        html.Append('>').Append(Html.Encode(value)).Append("</dd>\n");
    }

    private static string DisplayCode(string code)
    {
        var parse = CodeParser.Parse(code);
        if (parse.Code is { } c)
        {
            return c.ToDisplayString();
        }
        return parse.Canonical ?? (code.Length > CodeParser.MaxInputLength ? code[..CodeParser.MaxInputLength] + "…" : code);
    }

    /// <summary>Beijing time (UTC+8, no daylight saving), the time people reading the page live in.</summary>
    private static string Time(DateTimeOffset t) =>
        t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (UTC+8)";
}
