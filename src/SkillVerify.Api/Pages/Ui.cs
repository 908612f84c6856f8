using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Api.Pages;

/// <summary>
/// What every page needs to speak: the language (Chinese by default, <c>?lang=en</c> or a form's <c>lang</c>
/// field for English, carried in every link instead of a cookie), the path base, and the words shared by pages.
/// </summary>
public sealed class Ui(bool en, string pathBase, string path, IReadOnlyDictionary<string, string?> query)
{
    public bool En { get; } = en;

    public string HtmlLang => En ? "en" : "zh-CN";

    public string T(string zh, string en) => En ? en : zh;

    /// <summary>A path inside the site without the language (form actions, the stylesheet).</summary>
    public string Path(string path) => pathBase + path;

    /// <summary>A link inside the site, keeping the language.</summary>
    public string Href(string path, params (string Key, string? Value)[] parameters)
    {
        var query = new Dictionary<string, string?>();
        foreach (var (k, v) in parameters)
        {
            if (!string.IsNullOrEmpty(v))
            {
                query[k] = v;
            }
        }
        if (En)
        {
            query["lang"] = "en";
        }
        return QueryHelpers.AddQueryString(pathBase + path, query);
    }

    /// <summary>This page in the other language (same path and query, lang flipped); a POSTed page switches to its GET form.</summary>
    public string SwitchHref
    {
        get
        {
            var q = query.Where(p => p.Key != "lang" && !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value);
            q["lang"] = En ? "zh" : "en";
            return QueryHelpers.AddQueryString(pathBase + path, q);
        }
    }

    public string LangValue => En ? "en" : "zh";

    public static bool IsEnglish(string? lang) => string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase);

    /// <summary>From a GET: the language from the query, the switch link keeps the query's other (short) values.</summary>
    public static Ui ForGet(HttpContext context, string? switchPath = null)
    {
        var request = context.Request;
        var kept = new Dictionary<string, string?>();
        foreach (var (k, v) in request.Query)
        {
            // Only short values are carried into the switch link (a receipt in the query stays short enough too).
            if (k.Length <= 16 && v.Count == 1 && v[0]!.Length <= 1500)
            {
                kept[k] = v[0];
            }
        }
        return new Ui(IsEnglish(request.Query["lang"]), request.PathBase, switchPath ?? request.Path, kept);
    }

    /// <summary>From a POST: the language from the form; the switch link goes to the page's GET address (a form's values are never put in a URL).</summary>
    public static Ui ForPost(HttpContext context, string? lang, string getPath, params (string Key, string? Value)[] keep) =>
        new(IsEnglish(lang), context.Request.PathBase, getPath, keep.ToDictionary(p => p.Key, p => p.Value));

    // ---- words shared by pages ----

    public (string Css, string Symbol, string Word) Outcome(string outcome) => outcome switch
    {
        "VALID" => ("state-valid", "✓", T("有效", "Valid")),
        "INVALID" => ("state-invalid", "✗", T("无效", "Invalid")),
        "NOT_FOUND" => ("state-not_found", "!", T("未查到相符的证书，请核对编号和姓名", "Not found — check the code and name")),
        _ => ("state-unknown", "?", T("无法确认", "Cannot be confirmed")),
    };

    public string OutcomeWord(string outcome) => Outcome(outcome).Word;

    public string CheckStatus(string status) => status switch
    {
        "pass" => T("通过", "Pass"),
        "fail" => T("不通过", "Fail"),
        "not_applicable" => T("不适用", "Not applicable"),
        _ => T("无法确定", "Undecided"),
    };

    public string CheckMessage(CheckDto check) => En ? check.MessageEn : check.MessageZh;

    /// <summary>One sentence: why VALID, or the first check that failed, or the first that could not be decided.</summary>
    public string Reason(VerificationResponse answer)
    {
        switch (answer.Outcome)
        {
            case "VALID":
                return T("证书真实有效：证书记录存在且未被撤销，发证机构在发证日有权颁发此证书。",
                    "The certificate is genuine: its record exists, it has not been revoked, and its issuer was entitled to issue it on the issue date.");
            case "NOT_FOUND":
                return T("没有与该证书编号和姓名都相符的证书记录。请核对证书上的编号和姓名后重试。",
                    "No certificate record matches both this code and this name. Check the code and the name printed on the certificate and try again.");
        }
        var wanted = answer.Outcome == "INVALID" ? "fail" : "unknown";
        var check = answer.Checks.FirstOrDefault(c => c.Status == wanted) ?? answer.Checks.FirstOrDefault(c => c.Status is "fail" or "unknown");
        return check is null ? "" : CheckMessage(check);
    }

    public string Level(LevelRef level) => En ? level.NameEn : level.Name;

    public string Occupation(OccupationDto o) =>
        $"{o.Code} {o.Name}{(o.WorkType is { Length: > 0 } w ? T($"（{w}）", $" ({w})") : "")}";

    /// <summary>Beijing time (UTC+8, no daylight saving), the time people reading the page live in.</summary>
    public static string Time(DateTimeOffset t) =>
        t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (UTC+8)";

    public string Freshness(FreshnessDto f) => En
        ? $"Registry snapshot {f.RegistrySnapshot}, updated {Time(f.RegistryUpdatedAt)}{(f.RecordUpdatedAt is { } r ? $"; record updated {Time(r)}" : "")}; {(f.FromCache ? "served from cache" : "read just now")}."
        : $"评价机构目录第 {f.RegistrySnapshot} 版，更新于 {Time(f.RegistryUpdatedAt)}{(f.RecordUpdatedAt is { } r2 ? $"；证书记录更新于 {Time(r2)}" : "")}；{(f.FromCache ? "来自缓存" : "刚刚读取")}。";

    public string OrganizationStatus(string? status) => status switch
    {
        "registered" => T("备案有效", "Registered"),
        "suspended" => T("暂停评价", "Suspended"),
        "revoked" => T("已撤销备案", "Registration revoked"),
        "withdrawn" => T("已退出目录", "Withdrawn from the registry"),
        null => T("未知", "Unknown"),
        _ => status,
    };

    /// <summary>A code for display: grouped when it is a skill-level code, else as typed (cut when long).</summary>
    public static string DisplayCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "";
        }
        var parse = CodeParser.Parse(code);
        if (parse.Code is { } c)
        {
            return c.ToDisplayString();
        }
        return parse.Canonical ?? (code.Length > CodeParser.MaxInputLength ? code[..CodeParser.MaxInputLength] + "…" : code);
    }
}
