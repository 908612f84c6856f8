using SkillVerify.Domain.Codes;

namespace SkillVerify.Domain.Tests;

public class CodeRulesTests
{
    private static readonly CodeRuleSettings Settings = CodeRuleSettings.Default;

    private static IReadOnlyList<CodeViolation> Violations(string code, int currentYear = 2026) =>
        CodeRules.Check(CodeParser.Parse(code).Code!.Value, Settings, currentYear);

    [Fact]
    public void AWellFormedCodeBreaksNoRule()
    {
        Assert.Empty(Violations("Y000044030006233000123"));
    }

    [Theory]
    [InlineData('X')]
    [InlineData('T')]
    [InlineData('S')]
    public void SocialOrganizationsCannotIssueApprenticeOrAppointmentLevels(char level)
    {
        var violation = Assert.Single(Violations($"S00003201010123{level}000001"));

        Assert.Equal("issuer_level.not_allowed", violation.Code);
        Assert.Equal(CodeRules.IssuerLevelCheck, violation.Check);
        Assert.Equal(16, violation.Position);
    }

    [Theory]
    [InlineData('5')]
    [InlineData('1')]
    public void SocialOrganizationsMayIssueNumberedLevels(char level)
    {
        Assert.Empty(Violations($"S00003201010123{level}000001"));
    }

    [Fact]
    public void AnIssueYearInTheFutureIsAViolation()
    {
        var violation = Assert.Single(Violations("Y000044030006273000123", currentYear: 2026));

        Assert.Equal("issue_year.future", violation.Code);
        Assert.Equal(14, violation.Position);
    }

    [Fact]
    public void AnIssueYearBeforeTheRulesFirstYearIsAViolation()
    {
        Assert.Equal("issue_year.too_early", Assert.Single(Violations("Y000044030006183000123")).Code);
    }

    [Fact]
    public void TheFirstYearIsConfigurable()
    {
        var code = CodeParser.Parse("Y000044030006183000123").Code!.Value;

        Assert.Empty(CodeRules.Check(code, new CodeRuleSettings(FirstYear: 2015), 2026));
    }

    [Theory]
    [InlineData("Y00004403000621X000001")]
    [InlineData("Y00004403000621T000001")]
    [InlineData("Y00004403000619S000001")]
    public void NewLevelsBeforeTwentyTwentyTwoAreAnomalies(string code)
    {
        var violation = Assert.Single(Violations(code));

        Assert.Equal("issue_year.level_too_early", violation.Code);
        Assert.Equal(CodeRules.IssueYearCheck, violation.Check);
    }

    [Fact]
    public void NewLevelsFromTwentyTwentyTwoAreFine()
    {
        Assert.Empty(Violations("Y00004403000622T000001"));
    }

    [Fact]
    public void AnUnknownProvinceCodeIsAFormatViolation()
    {
        var violation = Assert.Single(Violations("Y000099030006233000123"));

        Assert.Equal("province.unknown", violation.Code);
        Assert.Equal(CodeRules.FormatCheck, violation.Check);
        Assert.Equal(6, violation.Position);
    }

    [Fact]
    public void ACodeCanBreakSeveralRulesAtOnce()
    {
        var codes = Violations("S00009901010121T000001").Select(v => v.Code).ToList();

        Assert.Equal(["province.unknown", "issuer_level.not_allowed", "issue_year.level_too_early"], codes);
    }
}
