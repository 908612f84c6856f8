using System.Globalization;
using SkillVerify.Domain.Privacy;

namespace SkillVerify.Data.Import;

/// <summary>
/// 公民身份号码 as an import file carries it (GB 11643-1999): 18 characters — 6-digit address code, birth date
/// yyyyMMdd, 3-digit sequence, check character (0–9 or X, ISO 7064 MOD 11-2) — or the 15-digit form of before 1999
/// (birth date yyMMdd, no check character). What Excel makes of a number column is named as such: scientific
/// notation (1.10101E+17, the last digits are gone) and a trailing ".0".
/// </summary>
public static class IdNumbers
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>The normalized ID number, or null with the reason added to <paramref name="errors"/>.</summary>
    public static string? Check(string text, DateOnly today, int column, RowErrors errors)
    {
        // Most files hold plain digits (and X): those are their own normal form, without NFKC and a builder per row.
        var n = IsPlain(text) ? (text.Contains('x') ? text.ToUpperInvariant() : text) : HolderNormalization.NormalizeIdNumber(text);
        if (n.Length == 18 && IsDigits(n.AsSpan(0, 17)))
        {
            if (!IsBirthDate(Number(n, 6, 4), Number(n, 10, 2), Number(n, 12, 2), today))
            {
                errors.Add(column, "id_number.birth_date", "身份证号第7–14位不是有效的出生日期。", "Characters 7–14 of the ID number are not a valid birth date.");
                return null;
            }
            var sum = 0;
            for (var i = 0; i < 17; i++)
            {
                sum += (n[i] - '0') * Weights[i];
            }
            if (n[17] != "10X98765432"[sum % 11])
            {
                errors.Add(column, "id_number.check_digit", "身份证号的校验码（第18位）不对：号码有误，请核对。",
                    "The ID number's check character (the 18th) is wrong: the number has a mistake; check it.");
                return null;
            }
            return n;
        }
        if (n.Length == 15 && IsDigits(n))
        {
            if (!IsBirthDate(1900 + Number(n, 6, 2), Number(n, 8, 2), Number(n, 10, 2), today))
            {
                errors.Add(column, "id_number.birth_date", "15位身份证号第7–12位不是有效的出生日期。", "Characters 7–12 of the 15-digit ID number are not a valid birth date.");
                return null;
            }
            return n;
        }
        if (IsScientific(n))
        {
            errors.Add(column, "id_number.excel_scientific",
                "身份证号被 Excel 存成了科学计数法，后几位已经丢失：请把该列设为“文本”格式，重新填写后导出。",
                "Excel turned the ID number into scientific notation and its last digits are lost: format the column as Text, re-enter the numbers and export again.");
            return null;
        }
        if (n.EndsWith(".0", StringComparison.Ordinal) && IsDigits(n.AsSpan(0, n.Length - 2)))
        {
            errors.Add(column, "id_number.excel_decimal",
                "身份证号带有“.0”：Excel 把它当成了数字（18位号码的后几位可能已丢失）。请把该列设为“文本”格式后重新导出。",
                "The ID number ends in '.0': Excel took it for a number (an 18-digit one may have lost its last digits). Format the column as Text and export again.");
            return null;
        }
        errors.Add(column, "id_number.length",
            $"身份证号有 {n.Length} 位：应为18位（末位可为X）或旧的15位数字。", $"The ID number has {n.Length} characters: it must have 18 (the last may be X), or 15 digits in the old form.");
        return null;
    }

    private static bool IsScientific(string n)
    {
        var e = n.IndexOf('E');
        return e > 0 && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not ('X' or 'x'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The number written by <paramref name="length"/> ASCII digits at <paramref name="start"/> (already checked to be digits).</summary>
    private static int Number(string s, int start, int length)
    {
        var value = 0;
        for (var i = start; i < start + length; i++)
        {
            value = value * 10 + (s[i] - '0');
        }
        return value;
    }

    /// <summary>A real date from 1900 to today (15-digit numbers were issued to people born in the 1900s: yy is 19yy).</summary>
    private static bool IsBirthDate(int year, int month, int day, DateOnly today) =>
        year >= 1900 && year <= today.Year && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
        && new DateOnly(year, month, day) <= today;
}
