using SkillVerify.Domain.Reference;

namespace SkillVerify.Domain.Codes;

/// <summary>Settings for the rules a decoder can check without data.</summary>
/// <param name="FirstYear">The coding rule's first issue year (2019, assumed).</param>
/// <param name="NewLevelsFirstDate">The first day X/T/S exist; null takes the reference data (levels.json, 2022-03-01 assumed).</param>
/// <param name="LegacyFirstYear">The first year of the old 职业资格 numbers (1993, assumed): a two-digit year below it reads as 20yy.</param>
public sealed record CodeRuleSettings(int FirstYear = 2019, DateOnly? NewLevelsFirstDate = null, int LegacyFirstYear = 1993)
{
    public static CodeRuleSettings Default { get; } = new();

    /// <summary>The first day a level exists: the setting for X/T/S when given, else the level's reference date; null when it always existed.</summary>
    public DateOnly? FirstDateOf(Level level) => level.SinceDate is null ? null : NewLevelsFirstDate ?? level.SinceDate;
}

/// <summary>
/// Issuing rules checkable from the code alone (domain.md §2): 社评组织 (S) may not issue X/T/S;
/// the issue year is not in the future nor before the rule's first year; X/T/S not before 2022;
/// the province code is on the province table.
/// </summary>
public static class CodeRules
{
    public const string FormatCheck = "format";
    public const string IssuerLevelCheck = "issuer_level";
    public const string IssueYearCheck = "issue_year";

    public static IReadOnlyList<CodeViolation> Check(CertificateCode code, CodeRuleSettings settings, int currentYear)
    {
        List<CodeViolation>? violations = null;
        var level = code.Level;

        if (code.Province is null)
        {
            Add(ref violations, new(FormatCheck, "province.unknown", 6,
                $"第6–7位省份代码“{code.ProvinceCode}”不在省份代码表中。", $"Positions 6–7 hold province code '{code.ProvinceCode}', which is not on the province table."));
        }
        if (!level.IssuableBy(code.BodyType))
        {
            Add(ref violations, new(IssuerLevelCheck, "issuer_level.not_allowed", 16,
                $"社会培训评价组织（S）不能颁发{level.Name}（{level.Code}）证书，该等级只能由用人单位评定。",
                $"A social training and assessment organization (S) cannot issue {level.NameEn} ({level.Code}) certificates; only employers can."));
        }
        var year = code.IssueYear;
        if (year > currentYear)
        {
            Add(ref violations, new(IssueYearCheck, "issue_year.future", 14,
                $"第14–15位发证年份{year}年在未来。", $"Positions 14–15 give issue year {year}, which is in the future."));
        }
        else if (year < settings.FirstYear)
        {
            Add(ref violations, new(IssueYearCheck, "issue_year.too_early", 14,
                $"第14–15位发证年份{year}年早于该编码规则启用的{settings.FirstYear}年。", $"Positions 14–15 give issue year {year}, before the coding rule's first year {settings.FirstYear}."));
        }
        else if (settings.FirstDateOf(level) is { } first && year < first.Year)
        {
            Add(ref violations, new(IssueYearCheck, "issue_year.level_too_early", 14,
                $"{level.Name}（{level.Code}）自{Iso(first)}起才设立，不可能在{year}年颁发。", $"The level {level.NameEn} ({level.Code}) exists only since {Iso(first)}; it cannot have been issued in {year}."));
        }
        return violations ?? (IReadOnlyList<CodeViolation>)[];
    }

    /// <summary>
    /// The issue year of an old qualification number (two digits): 20yy when that is not after this year,
    /// else 19yy when that is not before the old system's first year; otherwise 20yy, which is in the future.
    /// </summary>
    public static int LegacyYear(LegacyCertificateCode code, CodeRuleSettings settings, int currentYear)
    {
        var yy = (code.YearDigits[0] - '0') * 10 + (code.YearDigits[1] - '0');
        return 2000 + yy <= currentYear ? 2000 + yy : 1900 + yy >= settings.LegacyFirstYear ? 1900 + yy : 2000 + yy;
    }

    /// <summary>Rules an old qualification number can break without data: an issue year in the future.</summary>
    public static IReadOnlyList<CodeViolation> Check(LegacyCertificateCode code, CodeRuleSettings settings, int currentYear)
    {
        var year = LegacyYear(code, settings, currentYear);
        if (year > currentYear)
        {
            return [new(IssueYearCheck, "issue_year.future", 1,
                $"第1–2位发证年份{year}年在未来（或早于旧版职业资格证书启用的{settings.LegacyFirstYear}年）。",
                $"Positions 1–2 give issue year {year}, which is in the future (or before the old qualification numbers began in {settings.LegacyFirstYear}).")];
        }
        return [];
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static void Add(ref List<CodeViolation>? list, CodeViolation violation) => (list ??= []).Add(violation);
}
