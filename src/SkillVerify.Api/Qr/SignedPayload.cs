using System.Formats.Cbor;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using SkillVerify.Api.Signing;

namespace SkillVerify.Api.Qr;

/// <summary>What an offline QR states about a certificate, signed by the service at <see cref="IssuedAt"/>.</summary>
public sealed record OfflineClaims(
    string Code,
    string LevelCode,
    string LevelName,
    string OccupationCode,
    string OccupationName,
    string IssuerCode,
    string IssuerName,
    string IssueDate,
    string HolderNameMasked,
    string KeyId,
    DateTimeOffset IssuedAt);

/// <summary>Why an offline payload was not accepted; <see cref="Valid"/> when it was.</summary>
public enum OfflineStatus
{
    Valid,
    /// <summary>Not our format at all, or damaged before the signature could be checked (Base45, zlib, COSE or CBOR).</summary>
    Malformed,
    /// <summary>Signed with a key that is not published (unknown or retired).</summary>
    UnknownKey,
    /// <summary>Signed at an instant outside the key's validity window.</summary>
    OutsideKeyWindow,
    BadSignature,
}

public sealed record OfflineVerification(OfflineStatus Status, string? KeyId, OfflineClaims? Claims);

/// <summary>
/// The offline-verifiable QR payload, the pattern of the EU digital COVID certificate:
/// <c>SV1:</c> + Base45( zlib( COSE_Sign1( CBOR claims ) ) ), signed with ECDSA P-256 (ES256), the key id
/// in the protected header. A phone holding the published JWKS verifies it without any network.
/// The claims are a CBOR map with short text keys (listed in <see cref="Keys"/>).
/// </summary>
public static class SignedPayload
{
    public const string Prefix = "SV1:";

    /// <summary>Longest payload accepted for decoding: far above a real one (~500 characters), far below a zip bomb.</summary>
    public const int MaxTextLength = 2048;
    private const int MaxCoseBytes = 4096;

    private static class Keys
    {
        public const string Code = "code", LevelCode = "lvl", LevelName = "lvn", OccupationCode = "occ", OccupationName = "ocn",
            IssuerCode = "isc", IssuerName = "isn", IssueDate = "dat", HolderNameMasked = "nam", KeyId = "kid", IssuedAt = "iat";
    }

    public static string Create(OfflineClaims claims, SigningKey key)
    {
        if (!key.CanSign || claims.KeyId != key.KeyId)
        {
            throw new ArgumentException("The claims must name the signing key, and the key must hold its private part.", nameof(key));
        }
        var protectedHeaders = new CoseHeaderMap { [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(Encoding.UTF8.GetBytes(key.KeyId)) };
        var content = WriteClaims(claims);
        byte[] cose;
        // The COSE signer draws a fresh nonce each time: sign again until s is low (half the time at once), never a high-S payload.
        do
        {
            cose = CoseSign1Message.SignEmbedded(content, new CoseSigner(key.Key, HashAlgorithmName.SHA256, protectedHeaders));
        }
        while (!SigningKeys.IsLowS(CoseMessage.DecodeSign1(cose).Signature.Span));
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(cose);
        }
        return Prefix + Base45.Encode(compressed.ToArray());
    }

    /// <summary>Verifies with the service's own published keys.</summary>
    public static OfflineVerification Verify(string text, SigningKeys keys) =>
        Verify(text, kid => keys.TryFind(kid, out var key) ? key : null);

    /// <summary>Verifies with nothing but a published JWKS, as a phone without network does.</summary>
    public static OfflineVerification Verify(string text, JsonWebKeySetDto jwks)
    {
        SigningKey? used = null;
        try
        {
            return Verify(text, kid => used = jwks.Keys.FirstOrDefault(k => k.Kid == kid) is { Kty: "EC", Crv: "P-256" } jwk ? jwk.ToSigningKey() : null);
        }
        catch (CryptographicException)
        {
            // A JWK whose coordinates are not a point on P-256 verifies nothing.
            return new(OfflineStatus.UnknownKey, null, null);
        }
        finally
        {
            used?.Key.Dispose();
        }
    }

    public static OfflineVerification Verify(string text, Func<string, SigningKey?> findKey)
    {
        if (!TryOpen(text, out var message, out var keyId))
        {
            return new(OfflineStatus.Malformed, null, null);
        }
        if (findKey(keyId) is not { } key)
        {
            return new(OfflineStatus.UnknownKey, keyId, null);
        }
        bool signatureValid;
        try
        {
            // (r, n − s) verifies too: only the low-S form is accepted, so no second encoding of a payload passes.
            signatureValid = SigningKeys.IsLowS(message.Signature.Span) && message.VerifyEmbedded(key.Key);
        }
        catch (CryptographicException)
        {
            return new(OfflineStatus.Malformed, keyId, null);
        }
        if (!signatureValid)
        {
            return new(OfflineStatus.BadSignature, keyId, null);
        }
        if (!TryReadClaims(message.Content!.Value.Span, out var claims) || claims.KeyId != keyId)
        {
            return new(OfflineStatus.Malformed, keyId, null);
        }
        return key.CoversInstant(claims.IssuedAt)
            ? new(OfflineStatus.Valid, keyId, claims)
            : new(OfflineStatus.OutsideKeyWindow, keyId, null);
    }

    /// <summary>Whether <paramref name="text"/> claims to be a signed payload (decides how a scan is read).</summary>
    public static bool LooksSigned(string text) => text.StartsWith(Prefix, StringComparison.Ordinal);

    private static bool TryOpen(string text, out CoseSign1Message message, out string keyId)
    {
        message = null!;
        keyId = "";
        if (!LooksSigned(text) || text.Length > MaxTextLength || !Base45.TryDecode(text.AsSpan(Prefix.Length), out var compressed))
        {
            return false;
        }
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var buffer = new byte[MaxCoseBytes + 1];
            var n = 0;
            int read;
            while (n < buffer.Length && (read = zlib.Read(buffer, n, buffer.Length - n)) > 0)
            {
                n += read;
            }
            if (n > MaxCoseBytes)
            {
                return false;
            }
            message = CoseMessage.DecodeSign1(buffer.AsSpan(0, n));
        }
        catch (Exception ex) when (ex is InvalidDataException or CryptographicException or CborContentException or InvalidOperationException)
        {
            return false;
        }
        if (message.Content is null
            || !message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out var kidValue))
        {
            return false;
        }
        try
        {
            keyId = Encoding.UTF8.GetString(kidValue.GetValueAsBytes());
        }
        catch (Exception ex) when (ex is InvalidOperationException or CborContentException or ArgumentException)
        {
            return false;
        }
        return keyId.Length is > 0 and <= 32;
    }

    private static byte[] WriteClaims(OfflineClaims c)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(11);
        Text(Keys.Code, c.Code);
        Text(Keys.LevelCode, c.LevelCode);
        Text(Keys.LevelName, c.LevelName);
        Text(Keys.OccupationCode, c.OccupationCode);
        Text(Keys.OccupationName, c.OccupationName);
        Text(Keys.IssuerCode, c.IssuerCode);
        Text(Keys.IssuerName, c.IssuerName);
        Text(Keys.IssueDate, c.IssueDate);
        Text(Keys.HolderNameMasked, c.HolderNameMasked);
        Text(Keys.KeyId, c.KeyId);
        writer.WriteTextString(Keys.IssuedAt);
        writer.WriteInt64(c.IssuedAt.ToUnixTimeSeconds());
        writer.WriteEndMap();
        return writer.Encode();

        void Text(string key, string value)
        {
            writer.WriteTextString(key);
            writer.WriteTextString(value);
        }
    }

    private static bool TryReadClaims(ReadOnlySpan<byte> cbor, out OfflineClaims claims)
    {
        claims = null!;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        long? issuedAt = null;
        try
        {
            var reader = new CborReader(cbor.ToArray(), CborConformanceMode.Strict);
            var count = reader.ReadStartMap();
            if (count is null or > 32)
            {
                return false;
            }
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadTextString();
                if (key == Keys.IssuedAt)
                {
                    issuedAt = reader.ReadInt64();
                }
                else if (reader.PeekState() == CborReaderState.TextString)
                {
                    values[key] = reader.ReadTextString();
                }
                else
                {
                    reader.SkipValue();
                }
            }
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0 || issuedAt is not { } iat || iat < 0 || iat > 253402300799)
            {
                return false;
            }
            string Get(string k) => values.TryGetValue(k, out var v) ? v : throw new InvalidOperationException("missing claim " + k);
            claims = new OfflineClaims(Get(Keys.Code), Get(Keys.LevelCode), Get(Keys.LevelName), Get(Keys.OccupationCode), Get(Keys.OccupationName),
                Get(Keys.IssuerCode), Get(Keys.IssuerName), Get(Keys.IssueDate), Get(Keys.HolderNameMasked), Get(Keys.KeyId),
                DateTimeOffset.FromUnixTimeSeconds(iat));
            return true;
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or OverflowException)
        {
            return false;
        }
    }
}
