using System.Globalization;
using System.Text;

namespace SkillVerify.Domain.Codes;

public enum CodeKind
{
    SkillLevel,
    LegacyQualification,
}

/// <summary>The outcome of parsing: exactly one of <see cref="Code"/>, <see cref="Legacy"/> or <see cref="Error"/>.</summary>
public readonly record struct ParseResult(CertificateCode? Code, LegacyCertificateCode? Legacy, CodeError? Error)
{
    public bool Success => Error is null;
    public CodeKind? Kind => Code is not null ? CodeKind.SkillLevel : Legacy is not null ? CodeKind.LegacyQualification : null;

    /// <summary>The canonical form: 22 uppercase characters, or the legacy digits.</summary>
    public string? Canonical => Code?.Value ?? Legacy?.Value;
}

/// <summary>
/// Normalizes a code as people type it (lowercase, full-width characters from a Chinese input
/// method, spaces or hyphens between groups, surrounding whitespace) and parses its structure.
/// Everything else is rejected with the position and the reason. Pure, allocation-light: it runs
/// on every request.
/// </summary>
public static class CodeParser
{
    public const int MaxInputLength = 64;

    private const string LevelChars = "X54321TS";

    public static ParseResult Parse(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return Fail(Errors.Empty());
        }
        if (input.Length > MaxInputLength)
        {
            return Fail(Errors.TooLong(input.Length));
        }

        Span<char> buffer = stackalloc char[MaxInputLength];
        Span<int> typed = stackalloc int[MaxInputLength];
        if (Normalize(input, buffer, typed, out var n) is { } error)
        {
            return Fail(error);
        }
        var code = buffer[..n];
        if ((n == 16 || n == 13) && char.IsAsciiDigit(code[0]))
        {
            return ParseLegacy(code, typed);
        }
        if (n != CertificateCode.Length)
        {
            return Fail(Errors.Length(n));
        }
        return ParseSkillLevel(code, typed);
    }

    /// <summary>
    /// Parses a 13-character organization code (positions 1–13 of a certificate code), normalized
    /// like a certificate code. Returns the canonical code or the error.
    /// </summary>
    public static (string? Code, CodeError? Error) ParseOrganizationCode(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return (null, Errors.Empty());
        }
        if (input.Length > MaxInputLength)
        {
            return (null, Errors.TooLong(input.Length));
        }
        Span<char> code = stackalloc char[MaxInputLength];
        Span<int> typed = stackalloc int[MaxInputLength];
        if (Normalize(input, code, typed, out var n) is { } error)
        {
            return (null, error);
        }
        if (n != CertificateCode.OrganizationCodeLength)
        {
            return (null, new CodeError("organization_code.length", n < CertificateCode.OrganizationCodeLength ? n + 1 : CertificateCode.OrganizationCodeLength + 1,
                $"机构代码应为13位（证书编号的第1–13位），实际为{n}位。", $"An organization code has 13 characters (positions 1–13 of a certificate code); this one has {n}."));
        }
        if (code[0] is not ('Y' or 'S'))
        {
            return (null, Errors.BodyType(code[0]));
        }
        for (var i = 1; i < CertificateCode.OrganizationCodeLength; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return (null, Errors.Digit("organization_code.digit", i + 1, typed[i], "机构代码（第2–13位）", "the organization code (positions 2–13)"));
            }
        }
        return (new string(code[..n]), null);
    }

    /// <summary>
    /// Writes the code characters of <paramref name="input"/> (uppercase A–Z, 0–9) into <paramref name="buffer"/>,
    /// and into <paramref name="typed"/> the character each one was typed as (before case and width folding),
    /// so an error can name what the person typed.
    /// </summary>
    private static CodeError? Normalize(string input, Span<char> buffer, Span<int> typed, out int n)
    {
        n = 0;
        var span = input.AsSpan();
        var start = 0;
        var end = span.Length;
        while (start < end && char.IsWhiteSpace(span[start])) { start++; }
        while (end > start && char.IsWhiteSpace(span[end - 1])) { end--; }
        // Position as typed, counted in characters (runes), 1-based.
        var position = start;
        var index = start;
        while (index < end)
        {
            position++;
            if (Rune.DecodeFromUtf16(span[index..end], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return Errors.InvalidCharacter(position, "\uFFFD");
            }
            index += consumed;
            var value = rune.Value;
            if (IsSeparator(rune))
            {
                continue;
            }
            var asTyped = value;
            // Full-width ASCII (Ｙ０００…) from Chinese input methods.
            if (value is >= 0xFF01 and <= 0xFF5E)
            {
                value -= 0xFEE0;
                asTyped = value;
            }
            if (value is '-' or 0x2010 or 0x2011 or 0x2012 or 0x2013 or 0x2014 or 0x2212)
            {
                continue;
            }
            if (value is >= 'a' and <= 'z')
            {
                value -= 32;
            }
            if (value is (>= 'A' and <= 'Z') or (>= '0' and <= '9'))
            {
                typed[n] = asTyped;
                buffer[n++] = (char)value;
                continue;
            }
            var text = rune.ToString();
            if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return Errors.ControlCharacter(position, value);
            }
            return IsLookalike(value) ? Errors.Lookalike(position, text) : Errors.InvalidCharacter(position, text);
        }
        return n == 0 ? Errors.Empty() : null;
    }

    /// <summary>
    /// What people put between groups or copy along with a code: every Unicode space separator (ordinary,
    /// no-break, thin, narrow no-break, ideographic …), tabs and line breaks at the ends, and the
    /// zero-width characters that copying from web pages and chat apps leaves behind.
    /// </summary>
    internal static bool IsSeparator(Rune rune) =>
        rune.Value is '\t' or '\r' or '\n' or 0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF or 0x180E
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    /// <summary>The groups of positions 2–22 (1-based, inclusive) that hold digits, with their names.</summary>
    private static readonly (int From, int To, string Code, string Zh, string En)[] DigitGroups =
    [
        (2, 5, "code.body_code", "评价机构代码（第2–5位）", "the body code (positions 2–5)"),
        (6, 7, "code.province", "省份代码（第6–7位）", "the province code (positions 6–7)"),
        (8, 13, "code.site_serial", "机构或站点序号（第8–13位）", "the body or site serial (positions 8–13)"),
        (14, 15, "code.year", "发证年份（第14–15位）", "the issue year (positions 14–15)"),
        (17, 22, "code.serial", "证书序号（第17–22位）", "the certificate serial (positions 17–22)"),
    ];

    private static ParseResult ParseSkillLevel(ReadOnlySpan<char> code, ReadOnlySpan<int> typed)
    {
        if (code[0] is not ('Y' or 'S'))
        {
            return Fail(Errors.BodyType(code[0]));
        }
        if (code[7..13].SequenceEqual("XXXXXX"))
        {
            // 人社部's worked example prints the site serial as XXXXXX: it shows the shape, it is not a code.
            return Fail(Errors.Placeholder());
        }
        foreach (var (from, to, errorCode, zh, en) in DigitGroups)
        {
            for (var i = from - 1; i < to; i++)
            {
                if (!char.IsAsciiDigit(code[i]))
                {
                    return Fail(Errors.Digit(errorCode, i + 1, typed[i], zh, en));
                }
            }
        }
        if (!LevelChars.Contains(code[15]))
        {
            return Fail(Errors.LevelChar(typed[15]));
        }
        return new ParseResult(new CertificateCode(new string(code)), null, null);
    }

    private static ParseResult ParseLegacy(ReadOnlySpan<char> code, ReadOnlySpan<int> typed)
    {
        for (var i = 0; i < code.Length; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return Fail(Errors.Digit("legacy.digit", i + 1, typed[i], "旧版职业资格证书编号", "a vocational qualification certificate number"));
            }
        }
        var (agencyIndex, levelIndex) = LegacyCertificateCode.Indexes(code.Length);
        if (code[agencyIndex] is < '0' or > '4')
        {
            return Fail(Errors.LegacyAgencyType(agencyIndex + 1, code[agencyIndex]));
        }
        if (code[levelIndex] is < '1' or > '5')
        {
            return Fail(Errors.LegacyLevel(levelIndex + 1, code[levelIndex]));
        }
        return new ParseResult(null, new LegacyCertificateCode(new string(code)), null);
    }

    private static ParseResult Fail(CodeError error) => new(null, null, error);

    /// <summary>Letters from other scripts, and symbols, that look like Latin letters or digits.</summary>
    private static bool IsLookalike(int value) =>
        value is (>= 0x0370 and <= 0x03FF)   // Greek (Α Β Ε Ο Τ Χ …)
            or (>= 0x0400 and <= 0x052F)     // Cyrillic (А В Е К О Р С Т Х …)
            or (>= 0x2100 and <= 0x214F)     // letterlike symbols (ℓ K Å …)
            or (>= 0x2150 and <= 0x218F)     // number forms, roman numerals (Ⅹ Ⅴ …)
            or (>= 0x2460 and <= 0x24FF)     // enclosed alphanumerics (① Ⓨ …)
            or (>= 0x1D400 and <= 0x1D7FF)   // mathematical alphanumerics (𝐘 𝟎 …)
            or (>= 0x0660 and <= 0x0669)     // Arabic-Indic digits
            or (>= 0x06F0 and <= 0x06F9)
            or (>= 0x0966 and <= 0x096F)     // Devanagari digits
            or 0x3007;                       // 〇, the ideographic zero

    private static class Errors
    {
        public static CodeError Empty() => new("code.empty", 0,
            "未输入证书编号。", "No certificate code was given.");

        public static CodeError TooLong(int length) => new("code.too_long", MaxInputLength + 1,
            $"输入过长：共{length}个字符，最多{MaxInputLength}个。", $"The input is too long: {length} characters, at most {MaxInputLength} are accepted.");

        public static CodeError ControlCharacter(int position, int value) => new("code.control_character", position,
            $"第{position}个字符是不可见的控制字符（U+{value:X4}），请删除后重试。", $"Character {position} is an invisible control character (U+{value:X4}); remove it and try again.");

        public static CodeError Lookalike(int position, string text) => new("code.lookalike_character", position,
            $"第{position}个字符“{text}”看起来像英文字母或数字，但不是；证书编号只含英文字母和阿拉伯数字。", $"Character {position} ('{text}') looks like a Latin letter or digit but is not; codes contain only Latin letters and Arabic digits.");

        public static CodeError InvalidCharacter(int position, string text) => new("code.invalid_character", position,
            $"第{position}个字符“{text}”不能出现在证书编号中；编号只含英文字母和阿拉伯数字。", $"Character {position} ('{text}') cannot appear in a certificate code; codes contain only Latin letters and Arabic digits.");

        public static CodeError Length(int length) => new("code.length", length < CertificateCode.Length ? length + 1 : CertificateCode.Length + 1,
            $"证书编号应为22位（旧版职业资格证书为16位或13位数字），实际为{length}位。", $"A certificate code has 22 characters (old qualification certificates: 16 or 13 digits); this one has {length}.");

        public static CodeError BodyType(char c) => new("code.body_type", 1,
            $"第1位是评价机构类型，应为 Y（用人单位）或 S（社会培训评价组织），实际为“{c}”。", $"Position 1 is the body type and must be Y (employer) or S (social training and assessment organization), not '{c}'.");

        public static CodeError Digit(string code, int position, int typed, string partZh, string partEn)
        {
            var c = char.ConvertFromUtf32(typed);
            var (hintZh, hintEn) = DigitLookalike(typed) is { } digit
                ? ($"（是否把数字{digit}输成了“{c}”？）", $" (did you type '{c}' for the digit {digit}?)")
                : ("", "");
            return new(code, position,
                $"第{position}位属于{partZh}，应为阿拉伯数字，实际为“{c}”{hintZh}。", $"Position {position} belongs to {partEn} and must be a digit, not '{c}'{hintEn}.");
        }

        /// <summary>The digit a letter is often typed for: O→0, l/I→1, Z→2, S→5, B→8.</summary>
        private static char? DigitLookalike(int typed) => typed switch
        {
            'O' or 'o' => '0',
            'l' or 'I' or 'i' => '1',
            'Z' or 'z' => '2',
            'S' or 's' => '5',
            'B' => '8',
            _ => null,
        };

        public static CodeError Placeholder() => new("code.placeholder", 8,
            "第8–13位是“XXXXXX”：这是人社部编码规则示例中的占位符，不是真实的证书编号，请输入证书上印的编号。",
            "Positions 8–13 read 'XXXXXX': that is the placeholder of the ministry's worked example, not a real code; type the code printed on the certificate.");

        public static CodeError LevelChar(int typed) => new("code.level", 16,
            $"第16位是等级代码，应为 X、5、4、3、2、1、T、S 之一，实际为“{char.ConvertFromUtf32(typed)}”。", $"Position 16 is the level code and must be one of X, 5, 4, 3, 2, 1, T, S, not '{char.ConvertFromUtf32(typed)}'.");

        public static CodeError LegacyAgencyType(int position, char c) => new("legacy.agency_type", position,
            $"旧版证书编号第{position}位是鉴定机构类型，应为0–4，实际为“{c}”。", $"Position {position} of an old qualification number is the agency type and must be 0–4, not '{c}'.");

        public static CodeError LegacyLevel(int position, char c) => new("legacy.level", position,
            $"旧版证书编号第{position}位是等级，应为1–5，实际为“{c}”。", $"Position {position} of an old qualification number is the level and must be 1–5, not '{c}'.");
    }
}
