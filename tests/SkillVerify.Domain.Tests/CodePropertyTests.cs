using System.Globalization;
using CsCheck;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Domain.Tests;

/// <summary>Properties over generated input: the decoder never throws, and decoding and formatting are inverses.</summary>
public class CodePropertyTests
{
    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (4, Gen.Char['0', '9']),
        (4, Gen.Char['A', 'Z']),
        (2, Gen.Char['a', 'z']),
        (2, Gen.OneOf(' ', '-', '\u3000', '\t', '\n', '\u00A0', '–')),
        (2, Gen.Char['\uFF01', '\uFF5E']),
        (1, Gen.Char['\u0000', '\u001F']),
        (1, Gen.Char['\u0370', '\u04FF']),
        (1, Gen.Char['\u4E00', '\u9FFF']),
        (1, Gen.Char));

    private static readonly Gen<string> AnyString = Gen.String[AnyChar, 0, 100];

    private static readonly Gen<string> ValidCode =
        from type in Gen.OneOf('Y', 'S')
        from body in Gen.Int[0, 9999]
        from province in Gen.OneOf(Reference.ReferenceData.Provinces.Select(p => p.Code).ToArray())
        from site in Gen.String[Gen.Char['0', '9'], 6, 6]
        from year in Gen.Int[0, 99]
        from level in Gen.OneOf('X', '5', '4', '3', '2', '1', 'T', 'S')
        from serial in Gen.Int[0, 999_999]
        select CertificateCode.Format(type, body.ToString("0000", CultureInfo.InvariantCulture), province, site, 2000 + year, level, serial.ToString("000000", CultureInfo.InvariantCulture));

    [Fact]
    public void AnyStringUpToOneHundredCharactersDecodesOrIsRejectedWithAProblemCode()
    {
        AnyString.Sample(input =>
        {
            var result = CodeParser.Parse(input);
            if (result.Success)
            {
                return result.Canonical is { Length: 22 or 16 or 13 } && (result.Code is null) != (result.Legacy is null);
            }
            var error = result.Error!;
            return error.Code.Length > 0 && error.MessageZh.Length > 0 && error.MessageEn.Length > 0 && error.Position >= 0 && error.Position <= 101;
        }, iter: 20_000);
    }

    [Fact]
    public void AnyStringDecodesOrFailsThroughTheDecoderToo()
    {
        var decoder = new CodeDecoder(CodeRuleSettings.Default, TimeProvider.System);
        AnyString.Sample(input =>
        {
            var decoded = decoder.Decode(input);
            return decoded.Parsed || decoded.Violations.Count == 0;
        }, iter: 5_000);
    }

    [Fact]
    public void FormattingADecodedCodeGivesBackItsCanonicalForm()
    {
        ValidCode.Sample(canonical =>
        {
            var code = CodeParser.Parse(canonical).Code!.Value;
            var formatted = CertificateCode.Format(code.BodyType, code.MinistryBodyCode, code.ProvinceCode, code.SiteSerial, code.IssueYear, code.LevelCode, code.Serial);
            return formatted == canonical && code.Value == canonical;
        });
    }

    [Fact]
    public void TheDisplayFormAndTypingVariantsDecodeToTheSameCanonicalForm()
    {
        ValidCode.Sample(canonical =>
        {
            var code = CodeParser.Parse(canonical).Code!.Value;
            var display = code.ToDisplayString();
            var fullWidth = new string(display.Select(c => c == ' ' ? '\u3000' : (char)(c + 0xFEE0)).ToArray());
            var lower = display.ToLowerInvariant().Replace(' ', '-');
            return CodeParser.Parse(display).Canonical == canonical
                && CodeParser.Parse(fullWidth).Canonical == canonical
                && CodeParser.Parse("  " + lower + "\n").Canonical == canonical;
        });
    }

    [Fact]
    public void AnyCharacterOutsideLettersDigitsAndSeparatorsIsRejectedAtItsPosition()
    {
        var foreign = Gen.Char.Where(c => !char.IsAsciiLetterOrDigit(c) && !char.IsWhiteSpace(c) && !char.IsSurrogate(c)
            && c is not ('-' or '–' or '—' or '‐' or '‑' or '‒' or '−') && !(c >= '\uFF01' && c <= '\uFF5E'));
        Gen.Select(ValidCode, foreign, Gen.Int[1, 21]).Sample((canonical, c, at) =>
        {
            var input = canonical[..at] + c + canonical[at..];
            var error = CodeParser.Parse(input).Error;
            return error is not null && error.Position == at + 1;
        });
    }
}
