using SkillVerify.Domain.Reference;

namespace SkillVerify.Domain.Codes;

/// <summary>Settings for the rules a decoder can check without data.</summary>
public sealed record CodeRuleSettings(int FirstYear = 2019, int NewLevelsFirstYear = 2022)
{
    public static CodeRuleSettings Default { get; } = new();
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
        else if (level.Since is int since && year < Math.Max(since, settings.NewLevelsFirstYear))
        {
            var first = Math.Max(since, settings.NewLevelsFirstYear);
            Add(ref violations, new(IssueYearCheck, "issue_year.level_too_early", 14,
                $"{level.Name}（{level.Code}）自{first}年起才设立，不可能在{year}年颁发。", $"The level {level.NameEn} ({level.Code}) exists only since {first}; it cannot have been issued in {year}."));
        }
        return violations ?? (IReadOnlyList<CodeViolation>)[];
    }

    private static void Add(ref List<CodeViolation>? list, CodeViolation violation) => (list ??= []).Add(violation);
}
