using System.Security.Cryptography;
using System.Text;

namespace SkillVerify.Domain.Privacy;

/// <summary>
/// Holder name and ID number handling (PIPL, domain.md §6): only keyed hashes (HMAC-SHA256 with a
/// server secret) of the normalized values and masked display forms are ever stored.
/// </summary>
public sealed class HolderHasher
{
    public const int HashLength = 32;
    private readonly byte[] key;

    public HolderHasher(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The holder hash key must be at least 32 bytes.", nameof(key));
        }
        this.key = key;
    }

    public byte[] HashName(string name) => HashNormalizedName(HolderNormalization.NormalizeName(name));

    public byte[] HashIdNumber(string idNumber) => HashNormalizedIdNumber(HolderNormalization.NormalizeIdNumber(idNumber));

    /// <summary><see cref="HashName"/> of a name already passed through <see cref="HolderNormalization.NormalizeName"/> (a bulk import normalizes once).</summary>
    public byte[] HashNormalizedName(string normalizedName) => Hash("N:", normalizedName);

    /// <summary><see cref="HashIdNumber"/> of an ID number already passed through <see cref="HolderNormalization.NormalizeIdNumber"/>.</summary>
    public byte[] HashNormalizedIdNumber(string normalizedIdNumber) => Hash("I:", normalizedIdNumber);

    private byte[] Hash(string domain, string normalized)
    {
        // Domain separation keeps a name hash from ever equalling an ID hash.
        var max = Encoding.UTF8.GetMaxByteCount(domain.Length + normalized.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var written = Encoding.UTF8.GetBytes(domain, buffer);
        written += Encoding.UTF8.GetBytes(normalized, buffer[written..]);
        // One keyed HMAC per thread and key, reset after each use: no key schedule or native context per call.
        var hmac = pooled;
        if (hmac is null || !ReferenceEquals(pooledOwner, this))
        {
            hmac?.Dispose();
            pooled = hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            pooledOwner = this;
        }
        hmac.AppendData(buffer[..written]);
        var hash = new byte[HashLength];
        hmac.GetHashAndReset(hash);
        return hash;
    }

    [ThreadStatic] private static IncrementalHash? pooled;
    [ThreadStatic] private static HolderHasher? pooledOwner;

    /// <summary>Constant-time comparison, so timing does not tell how much of a hash matched.</summary>
    public static bool Matches(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> candidate) =>
        stored.Length == HashLength && CryptographicOperations.FixedTimeEquals(stored, candidate);
}

public static class HolderNormalization
{
    public const int MaxNameLength = 64;
    public const int MaxIdNumberLength = 32;

    /// <summary>
    /// NFKC (full-width → half-width), no whitespace, no zero-width or other invisible format characters
    /// (copied names carry them; the import and every query normalize alike, so both hashes agree), one
    /// kind of middle dot for names such as 阿依古丽·买买提, Latin letters uppercased.
    /// </summary>
    public static string NormalizeName(string name)
    {
        var text = name.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                continue;
            }
            builder.Append(c switch
            {
                '.' or '•' or '・' or '‧' or '･' or '∙' or '⋅' => '·',
                _ => char.ToUpperInvariant(c),
            });
        }
        return builder.ToString();
    }

    public static string NormalizeIdNumber(string idNumber)
    {
        var text = idNumber.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '-')
            {
                continue;
            }
            builder.Append(char.ToUpperInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>张三丰 → 张*丰, 李四 → 李*, 欧阳娜娜 → 欧**娜.</summary>
    public static string MaskName(string name) => MaskNormalizedName(NormalizeName(name));

    /// <summary><see cref="MaskName"/> of a name already passed through <see cref="NormalizeName"/>.</summary>
    public static string MaskNormalizedName(string n)
    {
        var elements = System.Globalization.StringInfo.ParseCombiningCharacters(n);
        var count = elements.Length;
        if (count == 0)
        {
            return "";
        }
        var first = n[..(count > 1 ? elements[1] : n.Length)];
        if (count == 1)
        {
            return "*";
        }
        if (count == 2)
        {
            return first + "*";
        }
        var last = n[elements[^1]..];
        return first + new string('*', count - 2) + last;
    }

    /// <summary>Keeps the first 4 and last 4 characters: 4301**********1234.</summary>
    public static string MaskIdNumber(string idNumber) => MaskNormalizedIdNumber(NormalizeIdNumber(idNumber));

    /// <summary><see cref="MaskIdNumber"/> of an ID number already passed through <see cref="NormalizeIdNumber"/>.</summary>
    public static string MaskNormalizedIdNumber(string n)
    {
        return n.Length <= 8 ? new string('*', n.Length) : string.Concat(n.AsSpan(0, 4), new string('*', n.Length - 8), n.AsSpan(n.Length - 4));
    }

    /// <summary>Whether an ID number is a well-formed 18-character 居民身份证号码 with a valid check character (GB 11643).</summary>
    public static bool IsValidResidentId(string idNumber)
    {
        var n = NormalizeIdNumber(idNumber);
        if (n.Length != 18)
        {
            return false;
        }
        ReadOnlySpan<int> weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(n[i]))
            {
                return false;
            }
            sum += (n[i] - '0') * weights[i];
        }
        return n[17] == "10X98765432"[sum % 11];
    }
}
