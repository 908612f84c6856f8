using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SkillVerify.Data.Partners;

/// <summary>
/// Partner keys: create (the plaintext is returned once), list, revoke, authenticate. The API and the
/// CLI (<c>skillverify keys create|list|revoke</c>) both call this.
/// </summary>
/// <remarks>
/// A key is <c>svk_</c> + a 12-hex-digit public id + <c>_</c> + 32 random bytes (base64url). Only its
/// SHA-256 digest is stored. A plain hash is enough here, unlike for passwords: the secret part has
/// 256 bits of entropy, so no dictionary or brute-force search over digests is feasible, and a slow
/// KDF (PBKDF2, Argon2) would only make every request — and every forged key in a flood — cost
/// milliseconds of CPU.
/// </remarks>
public sealed class PartnerKeys(PartnerKeyStore store, TimeProvider time)
{
    public const string Prefix = "svk_";
    public const int IdHexLength = 12;
    public const int SecretBytes = 32;
    public const int MaxNameLength = 200;
    public const int MaxRequestsPerMinute = 1_000_000;

    /// <summary>The exact length of every key this service issues; anything else is refused before hashing.</summary>
    public static readonly int KeyLength = Prefix.Length + IdHexLength + 1 + Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>For the CLI: the keys in the database a dialect points at (run <c>DapperStore.MigrateAsync</c> first).</summary>
    public static PartnerKeys Open(SqlDialect dialect, TimeProvider? time = null, int commandTimeoutSeconds = 5) =>
        new(new PartnerKeyStore(dialect, commandTimeoutSeconds), time ?? TimeProvider.System);

    /// <summary>Creates a key; <see cref="CreatedPartnerKey.Plaintext"/> is the only copy of the key. Throws <see cref="ArgumentException"/> naming a wrong field.</summary>
    public async Task<CreatedPartnerKey> CreateAsync(NewPartnerKey request, CancellationToken cancellationToken = default)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The key's name must be 1 to {MaxNameLength} characters.", nameof(request));
        }
        var provinces = request.Provinces.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (provinces.Count == 0)
        {
            throw new ArgumentException("Give at least one province code, or '*' for every province.", nameof(request));
        }
        if (PartnerScope.FindUnknownProvince(provinces) is { } unknown)
        {
            throw new ArgumentException($"'{unknown}' is not a province code (see GET /api/v1/codes for the table) nor '*'.", nameof(request));
        }
        if (provinces.Contains(PartnerScope.AllProvinces))
        {
            provinces = [PartnerScope.AllProvinces];
        }
        if (request.RequestsPerMinute is < 1 or > MaxRequestsPerMinute)
        {
            throw new ArgumentException($"The quota must be 1 to {MaxRequestsPerMinute} requests per minute.", nameof(request));
        }
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new ArgumentException("The expiry must be in the future.", nameof(request));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdHexLength / 2));
        var plaintext = Prefix + id + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var key = new PartnerKey(id, name, Hash(plaintext),
            new PartnerScope(provinces, request.BatchAllowed, request.IdMatchingAllowed),
            request.RequestsPerMinute, request.ExpiresAt?.ToUniversalTime(), null, now);
        await store.InsertAsync(key, cancellationToken);
        return new CreatedPartnerKey(key, plaintext);
    }

    public Task<IReadOnlyList<PartnerKey>> ListAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

    /// <summary>Revokes a key by its public id (the <c>id</c> column of <c>keys list</c>). False when unknown or already revoked.</summary>
    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default) =>
        store.RevokeAsync(id, time.GetUtcNow(), cancellationToken);

    /// <summary>Checks a presented key against the database (the CLI's <c>keys check</c>; the API uses an in-memory directory).</summary>
    public async Task<PartnerAuthentication> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (TryGetId(presented) is not { } id)
        {
            return string.IsNullOrEmpty(presented) ? PartnerAuthentication.Missing : PartnerAuthentication.Invalid;
        }
        var key = await store.FindAsync(id, cancellationToken);
        return Authenticate(presented, key, time.GetUtcNow());
    }

    /// <summary>
    /// Authenticates against a key already looked up by the presented key's id (null when none).
    /// Pure: no I/O, no state kept for the presented key whatever its value.
    /// </summary>
    public static PartnerAuthentication Authenticate(string? presented, PartnerKey? candidate, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return PartnerAuthentication.Missing;
        }
        if (candidate is null || presented.Length != KeyLength)
        {
            return PartnerAuthentication.Invalid;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> utf8 = stackalloc byte[KeyLength * 3];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        SHA256.HashData(utf8[..length], digest);
        if (!CryptographicOperations.FixedTimeEquals(digest, candidate.KeyHash))
        {
            return PartnerAuthentication.Invalid;
        }
        if (candidate.IsRevoked)
        {
            return new(PartnerKeyState.Revoked, null);
        }
        if (candidate.IsExpired(now))
        {
            return new(PartnerKeyState.Expired, null);
        }
        return new(PartnerKeyState.Valid, candidate);
    }

    /// <summary>The public id inside a well-formed key, or null: a cheap shape check before any lookup.</summary>
    public static string? TryGetId(string? presented)
    {
        if (presented is null || presented.Length != KeyLength || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[Prefix.Length + IdHexLength] != '_')
        {
            return null;
        }
        var id = presented.AsSpan(Prefix.Length, IdHexLength);
        foreach (var c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return null;
            }
        }
        return id.ToString();
    }

    public static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));
}
