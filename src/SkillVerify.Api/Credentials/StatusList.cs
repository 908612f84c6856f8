using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Credentials;

/// <summary>
/// The IETF Token Status List (draft-ietf-oauth-status-list) with 1 bit per credential: 0 valid, 1 invalid. The
/// bytes are zlib-compressed (RFC 1950) and base64url-encoded into <c>lst</c>; index i is bit (i mod 8) of byte
/// i / 8, least significant bit first. Hand-written: no .NET package here implements it, and it is 20 lines.
/// </summary>
public static class StatusList
{
    public const string TokenType = "statuslist+jwt";
    public const string MediaType = "application/statuslist+jwt";

    /// <summary>The smallest list published, so its length says little about how many credentials exist (herd privacy).</summary>
    public const int MinimumBits = 16 * 1024 * 8;

    /// <summary>The most a list may hold once inflated (a verifier's guard against a zip bomb).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    public static string Encode(byte[] bits)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(bits);
        }
        return Base64UrlEncoder.Encode(output.ToArray());
    }

    /// <summary>The inflated bytes; null when <paramref name="lst"/> is not base64url of zlib data of at most <see cref="MaxBytes"/>.</summary>
    public static byte[]? Decode(string lst)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(Base64UrlEncoder.DecodeBytes(lst)), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxBytes)
                {
                    return null;
                }
                output.Write(buffer, 0, read);
            }
            return output.ToArray();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or ArgumentException)
        {
            return null;
        }
    }

    public static void Set(byte[] bits, long idx) => bits[idx / 8] |= (byte)(1 << (int)(idx % 8));

    public static bool Get(byte[] bits, long idx) => (bits[idx / 8] & (1 << (int)(idx % 8))) != 0;
}

/// <summary>
/// Builds and signs this instance's status list from the records as they are now, on every request: a
/// revocation (the admin revocation endpoint evicts the cached record) or the end of a T/S appointment term
/// (the standing computed for today) shows in the very next list. Bit 1 when the certificate no longer verifies
/// VALID, or when the credential states the standing <c>current</c> and the certificate's standing is no longer current.
/// </summary>
public sealed class StatusListPublisher(CredentialStatusStore store, VerificationService verification, SigningKeys keys, TimeProvider time, CredentialOptions options)
{
    public const string Path = "/api/v1/credentials/status-lists/1";

    public static string Uri(string baseUrl) => baseUrl + Path;

    /// <summary>The signed list; throws when a record cannot be read (the caller answers 503: a verifier keeps its last list).</summary>
    public async Task<string> BuildAsync(string baseUrl, CancellationToken cancellationToken)
    {
        var entries = await store.ListAsync(cancellationToken);
        var bitCount = Math.Max(StatusList.MinimumBits, entries.Count == 0 ? 0 : entries[^1].Idx + 1);
        var bits = new byte[(bitCount + 7) / 8];
        foreach (var entry in entries)
        {
            var answer = await verification.VerifyAsync(entry.Code, null, null, Disclosure.Authorized, cancellationToken);
            if (answer.Outcome == "UNKNOWN")
            {
                throw new InvalidOperationException("A certificate's state cannot be read now; no status list is published.");
            }
            var standing = answer.Certificate?.Standing ?? "current";
            if (answer.Outcome != "VALID" || (entry.Standing == "current" && standing != "current"))
            {
                StatusList.Set(bits, entry.Idx);
            }
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["sub"] = Uri(baseUrl),
            ["iss"] = baseUrl,
            ["iat"] = now,
            ["exp"] = now + (long)options.StatusListValidity.TotalSeconds,
            ["ttl"] = (long)options.StatusListRefresh.TotalSeconds,
            ["status_list"] = new JsonObject { ["bits"] = 1, ["lst"] = StatusList.Encode(bits) },
        };
        return SdJwt.SignJws(new JsonObject { ["typ"] = StatusList.TokenType }, payload, keys);
    }
}
