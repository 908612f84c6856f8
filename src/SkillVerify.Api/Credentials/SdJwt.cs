using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using SkillVerify.Api.Signing;

namespace SkillVerify.Api.Credentials;

/// <summary>
/// The few SD-JWT pieces (RFC 9901 / draft-ietf-oauth-selective-disclosure-jwt) no .NET library here covers:
/// disclosures (base64url of the JSON array [salt, name, value]), their SHA-256 digests, and the
/// <c>&lt;JWS&gt;~&lt;disclosure&gt;~…~</c> serialization. The JWS itself is signed through
/// <see cref="SigningKeys.SignEs256"/> (the service's one signing entry point, where low-S signatures are
/// produced) rather than through Microsoft.IdentityModel's signer, which would bypass it; the signature is
/// checked with Microsoft.IdentityModel.JsonWebTokens (<see cref="CredentialVerifier"/>).
/// </summary>
public static class SdJwt
{
    public const string HashAlgorithm = "sha-256";

    /// <summary>One disclosure: its encoded form (what travels) and what it discloses.</summary>
    public sealed record Disclosure(string Encoded, string Salt, string Name, JsonNode? Value)
    {
        /// <summary>The digest that goes into <c>_sd</c>: base64url(SHA-256(ASCII of the encoded disclosure)).</summary>
        public string Digest => DigestOf(Encoded);
    }

    public static Disclosure CreateDisclosure(string name, JsonNode? value)
    {
        var salt = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var array = new JsonArray(salt, name, value?.DeepClone());
        var encoded = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(array.ToJsonString(JsonOptions)));
        return new Disclosure(encoded, salt, name, value);
    }

    public static string DigestOf(string encodedDisclosure) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(encodedDisclosure)));

    /// <summary>Reads a disclosure; null when it is not base64url of a JSON array [salt, name, value] of an object property.</summary>
    public static Disclosure? ReadDisclosure(string encoded)
    {
        try
        {
            if (encoded.Length == 0 || JsonNode.Parse(Base64UrlEncoder.DecodeBytes(encoded)) is not JsonArray { Count: 3 } array
                || array[0] is not JsonValue salt || !salt.TryGetValue<string>(out var saltText)
                || array[1] is not JsonValue name || !name.TryGetValue<string>(out var nameText)
                || nameText is "_sd" or "...")
            {
                return null;
            }
            return new Disclosure(encoded, saltText, nameText, array[2]?.DeepClone());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A compact JWS (ES256) over the header and payload, signed with the active key; the header gets alg and kid.</summary>
    public static string SignJws(JsonObject header, JsonObject payload, SigningKeys keys)
    {
        var active = keys.Active ?? throw new InvalidOperationException("No signing key is configured (Signing:Keys).");
        header["alg"] = "ES256";
        header["kid"] = active.KeyId;
        var signingInput = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header.ToJsonString(JsonOptions)))
            + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString(JsonOptions)));
        var (keyId, signature) = keys.SignEs256(Encoding.ASCII.GetBytes(signingInput));
        if (keyId != active.KeyId)
        {
            throw new InvalidOperationException("The signing key changed while a JWS was signed.");
        }
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The SD-JWT serialization without key binding: the JWS, then each disclosure, each followed by '~'.</summary>
    public static string Serialize(string jws, IEnumerable<string> disclosures) =>
        jws + "~" + string.Concat(disclosures.Select(d => d + "~"));

    /// <summary>Chinese characters as they are (UTF-8), not \u escapes: smaller, and readable when a holder opens the file.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
