namespace SkillVerify.Domain.Codes;

/// <summary>A parsed code with the rules it breaks.</summary>
public sealed record DecodedCode(ParseResult Parse, IReadOnlyList<CodeViolation> Violations)
{
    public bool Parsed => Parse.Success;
    public CertificateCode? Code => Parse.Code;

    /// <summary>The four-digit issue year of an old qualification number (its two digits read against today).</summary>
    public int? LegacyIssueYear { get; init; }
}

/// <summary>Parses a code and checks the rules that need no data, against the current year.</summary>
public sealed class CodeDecoder(CodeRuleSettings settings, TimeProvider time)
{
    public CodeRuleSettings Settings => settings;

    public DecodedCode Decode(string? input)
    {
        var parse = CodeParser.Parse(input);
        var violations = parse.Code is { } code ? CodeRules.Check(code, settings, CurrentYear)
            : parse.Legacy is { } legacy ? CodeRules.Check(legacy, settings, CurrentYear)
            : [];
        return new DecodedCode(parse, violations)
        {
            LegacyIssueYear = parse.Legacy is { } old ? CodeRules.LegacyYear(old, settings, CurrentYear) : null,
        };
    }

    /// <summary>The current year in China Standard Time (UTC+8), where the certificates are issued.</summary>
    public int CurrentYear => Today.Year;

    /// <summary>Today in Beijing (UTC+8, no daylight saving).</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(8));

    /// <summary>
    /// How long an answer computed now stays right: until the next Beijing midnight, when the
    /// date-dependent rules (future year, appointment terms, statuses taking effect) may change it.
    /// </summary>
    public TimeSpan UntilTomorrow
    {
        get
        {
            var beijing = time.GetUtcNow().UtcDateTime.AddHours(8);
            return beijing.Date.AddDays(1) - beijing;
        }
    }
}
