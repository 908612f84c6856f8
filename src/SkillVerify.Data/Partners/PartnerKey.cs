using SkillVerify.Domain.Reference;

namespace SkillVerify.Data.Partners;

/// <summary>What a partner key may do: query certificates of some provinces, in batches, with ID-number matching.</summary>
public sealed record PartnerScope(IReadOnlyList<string> Provinces, bool BatchAllowed, bool IdMatchingAllowed)
{
    public const string AllProvinces = "*";

    public bool AllowsAllProvinces => Provinces.Count == 1 && Provinces[0] == AllProvinces;

    public bool AllowsProvince(string provinceCode)
    {
        foreach (var p in Provinces)
        {
            if (p == AllProvinces || string.Equals(p, provinceCode, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The stored form: <c>*</c> or comma-separated codes.</summary>
    public string ProvincesText => string.Join(',', Provinces);

    public static IReadOnlyList<string> ParseProvinces(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Null when every entry is <c>*</c> or a province code on the reference table; otherwise the offending entry.</summary>
    public static string? FindUnknownProvince(IEnumerable<string> provinces) =>
        provinces.FirstOrDefault(p => p != AllProvinces && ReferenceData.FindProvince(p) is null);
}

/// <summary>A partner key as stored: its public id, holder, scope, quota and lifetime. Never the plaintext key.</summary>
public sealed record PartnerKey(
    string Id,
    string Name,
    byte[] KeyHash,
    PartnerScope Scope,
    int RequestsPerMinute,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset CreatedAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;
}

/// <summary>What <c>skillverify keys create</c> asks for.</summary>
public sealed record NewPartnerKey(string Name, IReadOnlyList<string> Provinces, bool BatchAllowed, bool IdMatchingAllowed, int RequestsPerMinute, DateTimeOffset? ExpiresAt);

/// <summary>A new key: the stored record and the plaintext, which is shown this once and never again.</summary>
public sealed record CreatedPartnerKey(PartnerKey Key, string Plaintext);

public enum PartnerKeyState
{
    Missing,
    Invalid,
    Expired,
    Revoked,
    Valid,
}

/// <summary>The outcome of presenting a key: <see cref="Key"/> is set only when <see cref="State"/> is Valid.</summary>
public readonly record struct PartnerAuthentication(PartnerKeyState State, PartnerKey? Key)
{
    public static PartnerAuthentication Missing => new(PartnerKeyState.Missing, null);

    public static PartnerAuthentication Invalid => new(PartnerKeyState.Invalid, null);
}
