namespace SkillVerify.Domain.Codes;

/// <summary>A parsed code with the rules it breaks.</summary>
public sealed record DecodedCode(ParseResult Parse, IReadOnlyList<CodeViolation> Violations)
{
    public bool Parsed => Parse.Success;
    public CertificateCode? Code => Parse.Code;
}

/// <summary>Parses a code and checks the rules that need no data, against the current year.</summary>
public sealed class CodeDecoder(CodeRuleSettings settings, TimeProvider time)
{
    public CodeRuleSettings Settings => settings;

    public DecodedCode Decode(string? input)
    {
        var parse = CodeParser.Parse(input);
        var violations = parse.Code is { } code
            ? CodeRules.Check(code, settings, CurrentYear)
            : [];
        return new DecodedCode(parse, violations);
    }

    /// <summary>The current year in China Standard Time (UTC+8), where the certificates are issued.</summary>
    public int CurrentYear => Today.Year;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(8));
}
