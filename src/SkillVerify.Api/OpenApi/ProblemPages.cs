using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.OpenApi;

/// <summary>
/// <c>/problems</c> and <c>/problems/{code}</c>: the page every problem's <c>type</c> points to, listing every code
/// with its status and meaning in Chinese and English (the code asked for is marked).
/// </summary>
public static class ProblemPages
{
    private const string Css = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1f2328}
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
        code{font-family:ui-monospace,monospace}tr:target,tr.asked{background:#fff8c5}
        """;

    // Exactly this stylesheet and nothing else: no scripts, no outside requests.
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapProblemPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/problems").ExcludeFromDescription();
        group.MapGet("/", (HttpContext context) => Page(context, null));
        group.MapGet("/{code}", IResult (string code, HttpContext context) => ProblemCatalog.Find(code) is { } asked
            ? Page(context, asked)
            : Problems.NotFound("http.not_found", "没有这个问题代码。", "There is no such problem code."));
        return app;
    }

    private static ContentHttpResult Page(HttpContext context, ProblemType? asked)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        var html = new StringBuilder(16 * 1024)
            .Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(asked is null ? "" : Encode(asked.Code) + " · ").Append("问题代码 · Problem types — SkillVerify</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>问题代码 · Problem types</h1>\n")
            .Append("<p>每个错误回答都是 RFC 9457 问题详情（<code>application/problem+json</code>），其 <code>type</code> 为 <code>/problems/{code}</code>，<code>code</code> 为下表中的稳定代码；")
            .Append("<code>messageZh</code>、<code>messageEn</code> 说明本次的具体原因，证书编号错误另有 <code>position</code>（从1起的位置）。</p>\n")
            .Append("<p lang=\"en\">Every error answer is an RFC 9457 problem (<code>application/problem+json</code>) whose <code>type</code> is <code>/problems/{code}</code> and whose <code>code</code> is one of the stable codes below; ")
            .Append("<code>messageZh</code> and <code>messageEn</code> say what was wrong this time, and a wrong certificate code also has <code>position</code> (1-based). ")
            .Append("See <a href=\"/docs\">/docs</a> for the API.</p>\n");
        if (asked is not null)
        {
            html.Append("<p><strong><code>").Append(Encode(asked.Code)).Append("</code></strong> (").Append(asked.Status).Append("): ")
                .Append(Encode(asked.MeaningZh)).Append(" <span lang=\"en\">").Append(Encode(asked.MeaningEn)).Append("</span></p>\n");
        }
        html.Append("<table>\n<thead><tr><th>code</th><th>HTTP</th><th>含义</th><th lang=\"en\">Meaning</th></tr></thead>\n<tbody>\n");
        foreach (var p in ProblemCatalog.All)
        {
            html.Append("<tr id=\"").Append(Encode(p.Code)).Append('"').Append(p == asked ? " class=\"asked\"" : "").Append("><td><code>").Append(Encode(p.Code))
                .Append("</code></td><td>").Append(p.Status).Append("</td><td>").Append(Encode(p.MeaningZh))
                .Append("</td><td lang=\"en\">").Append(Encode(p.MeaningEn)).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
