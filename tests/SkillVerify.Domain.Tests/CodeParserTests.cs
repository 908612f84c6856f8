using System.Globalization;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Domain.Tests;

public class CodeParserTests
{
    private const string Example = "Y000044030006233000123";

    [Fact]
    public void DecodesAllSevenParts()
    {
        var result = CodeParser.Parse(Example);

        Assert.True(result.Success);
        var code = result.Code!.Value;
        Assert.Equal('Y', code.BodyType);
        Assert.Equal("0000", code.MinistryBodyCode);
        Assert.Equal("44", code.ProvinceCode);
        Assert.Equal("030006", code.SiteSerial);
        Assert.Equal(2023, code.IssueYear);
        Assert.Equal('3', code.LevelCode);
        Assert.Equal("000123", code.Serial);
        Assert.Equal("Y000044030006", code.OrganizationCode);
        Assert.True(code.RegisteredWithProvince);
        Assert.Equal("高级工", code.Level.Name);
        Assert.Equal("广东", code.Province!.Name);
    }

    [Fact]
    public void TheOfficialWorkedExamplesPlaceholderIsNotACode()
    {
        // 人社部's example prints the site serial as XXXXXX: it shows the shape, it is not a code (landed main accepted it).
        var error = CodeParser.Parse("Y000123XXXXXX195000001").Error!;

        Assert.Equal("code.placeholder", error.Code);
        Assert.Equal(8, error.Position);
        Assert.Contains("占位符", error.MessageZh);
    }

    [Theory]
    [InlineData("Y000044O30006233000123", 8, "O", "0")]
    [InlineData("Y0000440300l6233000123", 12, "l", "1")]
    [InlineData("Y00004403000I233000123", 13, "I", "1")]
    [InlineData("Y000044030006Z33000123", 14, "Z", "2")]
    [InlineData("Y000044030006233000S23", 20, "S", "5")]
    [InlineData("Y000044030006233B00123", 17, "B", "8")]
    public void ALetterWhereTheRuleHasADigitNamesTheCharacterTypedAndTheLookAlike(string input, int position, string typed, string digit)
    {
        // Landed main accepted letters in positions 8–13 and hinted only O; the lowercase l was reported as "L".
        var error = CodeParser.Parse(input).Error!;

        Assert.Equal(position, error.Position);
        Assert.Contains($"“{typed}”", error.MessageZh);
        Assert.Contains($"'{typed}' for the digit {digit}", error.MessageEn);
    }

    [Theory]
    [InlineData('X', "学徒工")]
    [InlineData('5', "初级工")]
    [InlineData('4', "中级工")]
    [InlineData('3', "高级工")]
    [InlineData('2', "技师")]
    [InlineData('1', "高级技师")]
    [InlineData('T', "特级技师")]
    [InlineData('S', "首席技师")]
    public void EveryLevelCharacterDecodesToItsLevel(char level, string name)
    {
        var code = CodeParser.Parse($"Y00004403000623{level}000123").Code!.Value;

        Assert.Equal(level, code.LevelCode);
        Assert.Equal(name, code.Level.Name);
    }

    [Theory]
    [InlineData("y000044030006233000123")]
    [InlineData("  Y000044030006233000123\t\n")]
    [InlineData("Y 0000 44 030006 23 3 000123")]
    [InlineData("Y-0000-44-030006-23-3-000123")]
    [InlineData("Y–0000—44‐030006 23 3 000123")]
    [InlineData("Ｙ００００４４０３０００６２３３０００１２３")]
    [InlineData("ｙ　００００　４４　０３０００６　２３　３　０００１２３")]
    [InlineData("Ｙ００００４４－０３０００６－２３３０００１２３")]
    [InlineData("\u00A0Y000044030006233000123\u3000")]
    public void NormalizesHowPeopleTypeCodes(string typed)
    {
        var result = CodeParser.Parse(typed);

        Assert.True(result.Success, result.Error?.MessageEn);
        Assert.Equal(Example, result.Canonical);
    }

    [Theory]
    [InlineData("X000044030006233000123", "code.body_type", 1)]
    [InlineData("Y0A0044030006233000123", "code.body_code", 3)]
    [InlineData("Y00004A030006233000123", "code.province", 7)]
    [InlineData("Y0000440300062A3000123", "code.year", 15)]
    [InlineData("Y000044030006236000123", "code.level", 16)]
    [InlineData("Y00004403000623Z000123", "code.level", 16)]
    [InlineData("Y000044030006233000I23", "code.serial", 20)]
    [InlineData("Y00004403000623300012", "code.length", 22)]
    [InlineData("Y0000440300062330001234", "code.length", 23)]
    [InlineData("Y", "code.length", 2)]
    public void RejectsEachStructuralRuleWithItsPosition(string input, string expectedCode, int expectedPosition)
    {
        var error = CodeParser.Parse(input).Error;

        Assert.NotNull(error);
        Assert.Equal(expectedCode, error.Code);
        Assert.Equal(expectedPosition, error.Position);
        Assert.False(string.IsNullOrWhiteSpace(error.MessageZh));
        Assert.False(string.IsNullOrWhiteSpace(error.MessageEn));
        Assert.Contains(expectedPosition.ToString(CultureInfo.InvariantCulture), error.MessageEn);
    }

    [Fact]
    public void HintsAtTheLetterOWhereADigitBelongs()
    {
        var error = CodeParser.Parse("Y0O0044030006233000123").Error!;

        Assert.Equal("code.body_code", error.Code);
        Assert.Equal(3, error.Position);
        Assert.Contains("'O' for the digit 0", error.MessageEn);
        Assert.Contains("数字0输成了“O”", error.MessageZh);
    }

    [Theory]
    [InlineData("Y0000440300062330001\u000123", "code.control_character", 21)]
    [InlineData("Y000044\u202E030006233000123", "code.control_character", 8)]
    [InlineData("\u0059\u0000", "code.control_character", 2)]
    [InlineData("У000044030006233000123", "code.lookalike_character", 1)]   // Cyrillic У
    [InlineData("Y0000440З0006233000123", "code.lookalike_character", 9)]   // Cyrillic З
    [InlineData("Y00004403ΟΟ06233000123", "code.lookalike_character", 10)]  // Greek Ο
    [InlineData("Y000044030006233000〇23", "code.lookalike_character", 20)]  // ideographic zero
    [InlineData("Y000044030006233000１２３", null, 0)]                        // full-width digits are fine
    [InlineData("Y00004403000623高000123", "code.invalid_character", 16)]
    [InlineData("Y000044030006233000123;", "code.invalid_character", 23)]
    [InlineData("Y000044030006233000'--", "code.invalid_character", 20)]
    [InlineData("😀Y000044030006233000123", "code.invalid_character", 1)]
    [InlineData("Y😀000044030006233000123", "code.invalid_character", 2)]
    public void RejectsForeignCharactersAtTheirTypedPosition(string input, string? expectedCode, int expectedPosition)
    {
        var result = CodeParser.Parse(input);

        if (expectedCode is null)
        {
            Assert.True(result.Success);
            return;
        }
        Assert.Equal(expectedCode, result.Error?.Code);
        Assert.Equal(expectedPosition, result.Error!.Position);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" - - ")]
    public void RejectsEmptyInput(string? input)
    {
        Assert.Equal("code.empty", CodeParser.Parse(input).Error?.Code);
    }

    [Fact]
    public void RejectsInputOverSixtyFourCharacters()
    {
        var error = CodeParser.Parse(new string(' ', 50) + "Y000044030006233000123").Error;

        Assert.Equal("code.too_long", error?.Code);
        Assert.Equal(65, error!.Position);
    }

    [Fact]
    public void AcceptsSixtyFourCharactersOfSpacing()
    {
        var typed = new string(' ', 42) + "Y000044030006233000123";
        Assert.Equal(64, typed.Length);
        Assert.True(CodeParser.Parse(typed).Success);
    }

    [Fact]
    public void DecodesLegacySixteenDigitQualificationNumbers()
    {
        var legacy = CodeParser.Parse("0910123456300012").Legacy!.Value;

        Assert.Equal("09", legacy.YearDigits);
        Assert.Equal("10", legacy.RegionCode);
        Assert.Equal("江苏", legacy.Region!.Name);
        Assert.Equal("12", legacy.CityCode);
        Assert.Equal('3', legacy.AgencyType);
        Assert.Equal("行业特有工种鉴定站", legacy.Agency!.Name);
        Assert.Equal("456", legacy.AgencySerial);
        Assert.Equal("10123456", legacy.AgencyCode);
        Assert.Equal('3', legacy.LevelCode);
        Assert.Equal("高级工", legacy.Level.Name);
        Assert.Equal("00012", legacy.Serial);
    }

    [Fact]
    public void UnknownLegacyRegionsDecodeAsUnknownNotAsErrors()
    {
        var legacy = CodeParser.Parse("1199010123400001").Legacy!.Value;

        Assert.Equal("99", legacy.RegionCode);
        Assert.Null(legacy.Region);
        Assert.Equal('0', legacy.AgencyType);
        Assert.Equal('4', legacy.LevelCode);
        Assert.Equal("中级工", legacy.Level.Name);
    }

    [Fact]
    public void DecodesTheThirteenDigitShanghaiFormAsShanghaiWithItsOwnYear()
    {
        // Landed main read it as a 16-digit number prefixed with 000: year "00", region "07".
        var decoder = new CodeDecoder(CodeRuleSettings.Default, new FixedTime(new DateOnly(2026, 12, 1)));
        var decoded = decoder.Decode("0912200330001");
        var legacy = decoded.Parse.Legacy!.Value;

        Assert.True(legacy.IsShanghaiForm);
        Assert.Equal("09", legacy.YearDigits);
        Assert.Equal(2009, decoded.LegacyIssueYear);
        Assert.Equal("上海", legacy.Region!.Name);
        Assert.Equal("12", legacy.CityCode);
        Assert.Equal('2', legacy.AgencyType);
        Assert.Equal("003", legacy.AgencySerial);
        Assert.Equal('3', legacy.LevelCode);
        Assert.Equal("0001", legacy.Serial);
        Assert.Empty(decoded.Violations);
    }

    [Theory]
    [InlineData("2710123456300012", true)]   // 16 digits, 2027 in 2026
    [InlineData("2712200330001", true)]      // Shanghai form, 2027
    [InlineData("9810123456300012", false)]  // 1998
    [InlineData("2610123456300012", false)]  // this year
    public void OldQualificationNumbersGetTheFutureYearCheck(string input, bool future)
    {
        var decoder = new CodeDecoder(CodeRuleSettings.Default, new FixedTime(new DateOnly(2026, 12, 1)));

        Assert.Equal(future, decoder.Decode(input).Violations.Any(v => v.Code == "issue_year.future"));
    }

    [Fact]
    public void AnUnknownOldRegionCodeDecodesAsUnknownNotAsAnError()
    {
        var legacy = CodeParser.Parse("0999123456300012").Legacy!.Value;

        Assert.Equal("99", legacy.RegionCode);
        Assert.Null(legacy.Region);
    }

    [Theory]
    [InlineData("Y000044\u200B030006233000123")]   // zero-width space
    [InlineData("Y000044\u2009030006\u2009233000123")] // thin spaces
    [InlineData("Y000044\u202F030006\u202F233000123")] // narrow no-break spaces
    [InlineData("Y\t0000\t44\t030006\t23\t3\t000123")] // tabs
    [InlineData("\uFEFFY000044030006233000123\u2060")]  // BOM and word joiner copied along
    [InlineData("Y 0000 44 030006 23 3 000123\u200D")]
    public void EverySpaceSeparatorTabAndZeroWidthCharacterBetweenGroupsIsIgnored(string input)
    {
        // Landed main rejected these as control characters or invalid characters.
        Assert.Equal("Y000044030006233000123", CodeParser.Parse(input).Canonical);
    }

    [Theory]
    [InlineData("0910125456789012", "legacy.agency_type", 7)]
    [InlineData("0910123456709012", "legacy.level", 11)]
    [InlineData("0910123456069012", "legacy.level", 11)]
    [InlineData("7012500330001", "legacy.agency_type", 5)]
    [InlineData("7012200390001", "legacy.level", 9)]
    [InlineData("09101234563000A2", "legacy.digit", 15)]
    public void RejectsLegacyNumbersThatBreakTheirStructure(string input, string expectedCode, int position)
    {
        var error = CodeParser.Parse(input).Error;

        Assert.Equal(expectedCode, error?.Code);
        Assert.Equal(position, error!.Position);
    }

    [Theory]
    [InlineData("y0000 44-030006", "Y000044030006")]
    [InlineData("Ｓ００００３２０１０１０１", "S000032010101")]
    public void ParsesOrganizationCodes(string input, string expected)
    {
        Assert.Equal(expected, CodeParser.ParseOrganizationCode(input).Code);
    }

    [Theory]
    [InlineData("Y00004403000", "organization_code.length")]
    [InlineData("Z000044030006", "code.body_type")]
    [InlineData("Y0000A4030006", "organization_code.digit")]
    [InlineData("Y0000440300Ж6", "code.lookalike_character")]
    public void RejectsBadOrganizationCodes(string input, string expectedCode)
    {
        Assert.Equal(expectedCode, CodeParser.ParseOrganizationCode(input).Error?.Code);
    }
}
