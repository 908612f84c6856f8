using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Signing;

/// <summary>
/// Settings under <c>Signing</c>: the ECDSA P-256 keys that sign offline QR payloads (COSE_Sign1) and,
/// later, partner receipts (JWS ES256). Rotation: add the new key at the end of the list (it becomes the
/// signer); keep the old one so what it signed still verifies; set <c>Retired</c> (or delete it) once
/// nothing it signed should be trusted any more — it then leaves the JWKS and stops verifying.
/// </summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    public List<SigningKeyOptions> Keys { get; set; } = [];

    /// <summary>The key that signs; by default the last key that is not retired and has a private key.</summary>
    public string? ActiveKeyId { get; set; }
}

public sealed class SigningKeyOptions
{
    /// <summary>The key id (kid), 1–32 of A–Z a–z 0–9 _ -.</summary>
    public string? Id { get; set; }

    /// <summary>PKCS#8 or SEC1 PEM of the P-256 private key.</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>Alternatively, a file holding that PEM (a mounted secret).</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>A verify-only key whose private part is gone: SubjectPublicKeyInfo PEM.</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Signatures made before this instant are not accepted with this key.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Signatures made after this instant are not accepted with this key.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>A retired key is not published and verifies nothing.</summary>
    public bool Retired { get; set; }
}

/// <summary>One published key: its id, the ECDSA key (with the private part when this instance can sign), and its validity window.</summary>
public sealed class SigningKey(string keyId, ECDsa key, bool canSign, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
{
    public string KeyId { get; } = keyId;
    public ECDsa Key { get; } = key;
    public bool CanSign { get; } = canSign;
    public DateTimeOffset? NotBefore { get; } = notBefore;
    public DateTimeOffset? NotAfter { get; } = notAfter;

    /// <summary>Whether a signature made at <paramref name="signedAt"/> falls in this key's window.</summary>
    public bool CoversInstant(DateTimeOffset signedAt) =>
        (NotBefore is not { } from || signedAt >= from) && (NotAfter is not { } to || signedAt <= to);

    public JsonWebKeyDto ToJwk()
    {
        var p = Key.ExportParameters(includePrivateParameters: false);
        return new JsonWebKeyDto("EC", "P-256", Base64Url(p.Q.X!), Base64Url(p.Q.Y!), KeyId, "sig", "ES256",
            NotBefore?.ToUnixTimeSeconds(), NotAfter?.ToUnixTimeSeconds());
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The service's signing keys, shared by every feature that signs (offline QR payloads, partner
/// receipts) and published together at <c>/.well-known/jwks.json</c>. Retired keys are absent: they
/// neither appear in the JWKS nor verify.
/// </summary>
public sealed class SigningKeys
{
    private readonly Dictionary<string, SigningKey> published;

    public SigningKeys(IReadOnlyList<SigningKey> keys, string? activeKeyId)
    {
        Published = keys;
        published = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        Active = activeKeyId is not null ? published[activeKeyId] : keys.LastOrDefault(k => k.CanSign);
        Jwks = new JsonWebKeySetDto(keys.Select(k => k.ToJwk()).ToList());
    }

    /// <summary>The key that signs now; null when no signing key is configured (signing features answer 503).</summary>
    public SigningKey? Active { get; }

    /// <summary>Every key that still verifies (not retired), in configuration order.</summary>
    public IReadOnlyList<SigningKey> Published { get; }

    /// <summary>The public keys with their validity windows, as served at /.well-known/jwks.json.</summary>
    public JsonWebKeySetDto Jwks { get; }

    public bool TryFind(string keyId, out SigningKey key) => published.TryGetValue(keyId, out key!);

    /// <summary>ES256 (JWS): ECDSA P-256 over SHA-256, the signature as r‖s (64 bytes) with s low (≤ n/2), with the active key.</summary>
    public (string KeyId, byte[] Signature) SignEs256(ReadOnlySpan<byte> data)
    {
        var key = Active ?? throw new InvalidOperationException("No signing key is configured (Signing:Keys).");
        var signature = key.Key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        ToLowS(signature);
        return (key.KeyId, signature);
    }

    /// <summary>Verifies an ES256 signature with a published key whose window covers <paramref name="signedAt"/>; a high-S signature is refused.</summary>
    public bool VerifyEs256(string keyId, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, DateTimeOffset signedAt) =>
        IsLowS(signature) && TryFind(keyId, out var key) && key.CoversInstant(signedAt)
        && key.Key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    // The order n of P-256's base point. ECDSA accepts (r, s) and (r, n − s) alike; only s ≤ n/2 is produced and
    // accepted, so a signature has one form and nobody can mint a second valid encoding of what we signed.
    private static readonly System.Numerics.BigInteger Order = System.Numerics.BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly System.Numerics.BigInteger HalfOrder = Order >> 1;

    /// <summary>Whether an r‖s P-256 signature (64 bytes) has its s in the lower half (1 ≤ s ≤ n/2).</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }
        var value = new System.Numerics.BigInteger(signature[32..], isUnsigned: true, isBigEndian: true);
        return value.Sign > 0 && value <= HalfOrder;
    }

    /// <summary>Replaces a high s by n − s in an r‖s P-256 signature (the same signature, its one accepted form).</summary>
    public static void ToLowS(Span<byte> signature)
    {
        if (signature.Length != 64 || IsLowS(signature))
        {
            return;
        }
        var value = new System.Numerics.BigInteger(signature[32..], isUnsigned: true, isBigEndian: true);
        var low = (Order - value).ToByteArray(isUnsigned: true, isBigEndian: true);
        signature[32..].Clear();
        low.CopyTo(signature[(64 - low.Length)..]);
    }

    /// <summary>Loads the configured keys, or on the embedded demo (nothing configured) a random key kept in the data folder.</summary>
    public static SigningKeys Load(SigningOptions options, StorageLayout layout)
    {
        if (options.Keys.Count == 0)
        {
            return layout.Demo ? new SigningKeys([LoadDemoKey(layout.DataDirectory)], null) : new SigningKeys([], null);
        }
        var keys = new List<SigningKey>();
        foreach (var k in options.Keys)
        {
            if (k.Retired)
            {
                continue;
            }
            var (ecdsa, canSign) = LoadKey(k);
            keys.Add(new SigningKey(k.Id!, ecdsa, canSign, k.NotBefore, k.NotAfter));
        }
        return new SigningKeys(keys, string.IsNullOrWhiteSpace(options.ActiveKeyId) ? null : options.ActiveKeyId);
    }

    /// <summary>The sentences naming each wrong setting, empty when the settings are usable.</summary>
    public static List<string> Validate(SigningOptions options)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var k = options.Keys[i];
            var name = $"Signing:Keys:{i}";
            if (string.IsNullOrEmpty(k.Id) || k.Id.Length > 32 || !k.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                errors.Add($"{name}:Id must be 1–32 characters of A–Z, a–z, 0–9, _ and -.");
                continue;
            }
            if (!ids.Add(k.Id))
            {
                errors.Add($"{name}:Id '{k.Id}' is used twice.");
            }
            if (k.NotBefore is { } from && k.NotAfter is { } to && from >= to)
            {
                errors.Add($"{name}:NotBefore must be before {name}:NotAfter.");
            }
            if (k.Retired)
            {
                continue;
            }
            try
            {
                LoadKey(k).Key.Dispose();
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                errors.Add($"{name} ('{k.Id}'): {ex.Message}");
            }
        }
        if (!string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            var active = options.Keys.FirstOrDefault(k => k.Id == options.ActiveKeyId);
            if (active is null || active.Retired || (string.IsNullOrWhiteSpace(active.PrivateKeyPem) && string.IsNullOrWhiteSpace(active.PrivateKeyFile)))
            {
                errors.Add($"Signing:ActiveKeyId '{options.ActiveKeyId}' must name a key in Signing:Keys that is not retired and has a private key.");
            }
        }
        return errors;
    }

    private static (ECDsa Key, bool CanSign) LoadKey(SigningKeyOptions k)
    {
        var pem = k.PrivateKeyPem;
        if (string.IsNullOrWhiteSpace(pem) && !string.IsNullOrWhiteSpace(k.PrivateKeyFile))
        {
            pem = File.ReadAllText(k.PrivateKeyFile);
        }
        var canSign = !string.IsNullOrWhiteSpace(pem);
        pem = canSign ? pem : k.PublicKeyPem;
        if (string.IsNullOrWhiteSpace(pem))
        {
            throw new InvalidOperationException("PrivateKeyPem, PrivateKeyFile or PublicKeyPem must be set.");
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        if (ecdsa.KeySize != 256 || ecdsa.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("the key must be an ECDSA P-256 key.");
        }
        return (ecdsa, canSign);
    }

    private static SigningKey LoadDemoKey(string dataDirectory)
    {
        // Demo only: a random key beside the embedded database, never in the repository.
        var path = Path.Combine(dataDirectory, "signing-demo.key.pem");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, fresh.ExportPkcs8PrivateKeyPem());
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(path));
        // The id is derived from the public key (a JWK thumbprint, RFC 7638), so it changes when the key does.
        var p = ecdsa.ExportParameters(false);
        var thumbprint = SHA256.HashData(Encoding.UTF8.GetBytes(
            $$"""{"crv":"P-256","kty":"EC","x":"{{SigningKey.Base64Url(p.Q.X!)}}","y":"{{SigningKey.Base64Url(p.Q.Y!)}}"}"""));
        return new SigningKey("demo-" + SigningKey.Base64Url(thumbprint)[..8], ecdsa, true, null, null);
    }
}

/// <summary>A JSON Web Key (RFC 7517) for an ES256 key, with its validity window as NumericDate (seconds since 1970) in nbf/exp.</summary>
public sealed record JsonWebKeyDto(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("nbf"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Nbf,
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp)
{
    /// <summary>The public key, for a verifier that holds only the published JWKS.</summary>
    public ECDsa ToECDsa() => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = FromBase64Url(X), Y = FromBase64Url(Y) },
    });

    public SigningKey ToSigningKey() => new(Kid, ToECDsa(), false,
        Nbf is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null,
        Exp is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null);

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }
}

/// <summary>Source-generated JSON for these contracts (registered by <c>AddSigningKeys</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonWebKeySetDto))]
public sealed partial class SigningJson : JsonSerializerContext;

public sealed record JsonWebKeySetDto([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKeyDto> Keys);

internal sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    public ValidateOptionsResult Validate(string? name, SigningOptions options) =>
        SigningKeys.Validate(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}

public static class SigningKeysExtensions
{
    /// <summary>Registers <see cref="SigningKeys"/> once, whichever feature asks first.</summary>
    public static IHostApplicationBuilder AddSigningKeys(this IHostApplicationBuilder builder)
    {
        // A second call would bind Signing:Keys again, doubling the list (and failing validation on duplicate ids).
        if (builder.Services.Any(d => d.ServiceType == typeof(SigningKeys)))
        {
            return builder;
        }
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SigningJson.Default));
        builder.Services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigningOptions>, SigningOptionsValidator>());
        builder.Services.TryAddSingleton(sp => SigningKeys.Load(sp.GetRequiredService<IOptions<SigningOptions>>().Value, sp.GetRequiredService<StorageLayout>()));
        return builder;
    }

    /// <summary>GET /.well-known/jwks.json: every key that still verifies, public parts only.</summary>
    public static IEndpointConventionBuilder MapSigningKeys(this IEndpointRouteBuilder app) =>
        app.MapGet("/.well-known/jwks.json", (SigningKeys keys, HttpContext context) =>
            {
                // Public and shared by every verifier: short enough that a retirement is seen within minutes.
                context.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(keys.Jwks, SigningJson.Default.JsonWebKeySetDto, contentType: "application/jwk-set+json");
            })
            .WithTags("Signing")
            .WithName("GetJwks")
            .WithSummary("签名公钥（JWKS）· The signing keys (JWKS)")
            .WithDescription("核对离线二维码和合作方回执签名的公钥（ES256，P-256），带有效期（nbf/exp）；已停用的密钥不在其中。\n\n" +
                "The public keys (ES256, P-256) that check offline QR payloads and partner receipts, with their validity windows (nbf/exp); retired keys are absent.")
            .Produces<JsonWebKeySetDto>(StatusCodes.Status200OK, "application/jwk-set+json");
}
