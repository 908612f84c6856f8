using SkillVerify.Domain.Codes;

namespace SkillVerify.Domain.Tests;

/// <summary>
/// The decoder's promises on the inputs fuzzing (fuzz/run.sh, afl++ through SharpFuzz) explores beyond the property
/// tests: broken UTF-16 (lone or reversed surrogates, as JSON escapes can deliver), NUL, inputs whose length in
/// UTF-16 units and in characters differ. Fuzzing so far found no crash; any crash it finds is added here.
/// </summary>
public class DecoderFuzzRegressionTests
{
    public static TheoryData<string> Inputs =>
    [
        "\uD800",
        "\uDC00",
        "\uDC00\uD800",
        "Y000044030006233000123\uD800",
        "Y0000440300\uD83D06233000123",
        "Y000044030006233000\uDFFF123",
        "\0",
        "Y000044030006233000123\0",
        string.Concat(Enumerable.Repeat("𝐘", 32)),        // 64 UTF-16 units, 32 characters
        string.Concat(Enumerable.Repeat("𝐘", 33)),        // 66 units: over the limit
        new string('-', 64),
        new string('　', 64),
        "ｙ－００００－４４－０３０００６－２３－３－０００１２３",
        "0000000000000",
        "9999999999999999",
        "S000037020202",
        "s-000037-020202",
        "Y00004403000６\u0301233000123",                  // a combining mark after a full-width digit
    ];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ParseKeepsItsPromises(string input)
    {
        var result = CodeParser.Parse(input);

        if (result.Error is { } error)
        {
            Assert.Null(result.Code);
            Assert.Null(result.Legacy);
            Assert.InRange(error.Position, 0, CodeParser.MaxInputLength + 1);
            Assert.False(string.IsNullOrEmpty(error.MessageZh));
            Assert.False(string.IsNullOrEmpty(error.MessageEn));
        }
        else if (result.Code is { } code)
        {
            Assert.Equal(code, CodeParser.Parse(code.Value).Code);
            Assert.Equal(code, CodeParser.Parse(code.ToDisplayString()).Code);
            Assert.EndsWith("******", code.ToMaskedString());
        }
        else
        {
            Assert.Equal(result.Legacy, CodeParser.Parse(result.Legacy!.Value.Value).Legacy);
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ParseOrganizationCodeGivesExactlyOneOfCodeAndError(string input)
    {
        var (code, error) = CodeParser.ParseOrganizationCode(input);

        Assert.True(code is null != (error is null));
        if (code is not null)
        {
            Assert.Equal(CertificateCode.OrganizationCodeLength, code.Length);
            Assert.Equal(code, CodeParser.ParseOrganizationCode(code).Code);
        }
    }
}
