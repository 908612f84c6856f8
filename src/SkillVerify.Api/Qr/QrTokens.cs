using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Qr;

/// <summary>Settings under <c>Qr</c>.</summary>
public sealed class QrOptions
{
    public const string Section = "Qr";

    /// <summary>
    /// The public base URL printed in QR codes (https://verify.example.gov.cn). Required outside the embedded
    /// demo; the demo uses the request's own base URL.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Hosts (optionally host:port) whose verification links are ours; the host of PublicBaseUrl always is.</summary>
    public List<string> OfficialHosts { get; set; } = [];

    /// <summary>
    /// Keys of the QR token MAC. Rotation: add a new key at the end (it issues new tokens); old tokens keep
    /// verifying with the old key until it is marked <c>Retired</c> (or removed).
    /// </summary>
    public List<QrTokenKeyOptions> TokenKeys { get; set; } = [];

    /// <summary>The key that issues tokens; by default the last key that is not retired.</summary>
    public string? ActiveTokenKeyId { get; set; }
}

public sealed class QrTokenKeyOptions
{
    /// <summary>Key id printed at the front of every token: 1–8 of a–z, 0–9.</summary>
    public string? Id { get; set; }

    /// <summary>Base64 of at least 32 random bytes.</summary>
    public string? Key { get; set; }

    /// <summary>Alternatively, a file holding that base64 key (a mounted secret).</summary>
    public string? KeyFile { get; set; }

    public bool Retired { get; set; }
}

public enum TokenState
{
    Missing,
    Valid,
    Invalid,
}

/// <summary>
/// The unguessable token printed in a certificate's QR link (domain.md §6): <c>{key id}.{MAC}</c>, the MAC
/// being HMAC-SHA256 over the canonical code, truncated to 96 bits (base64url, 16 characters). Holding
/// the printed QR authorizes seeing the masked record; a guessed code does not. The key id lets keys rotate.
/// </summary>
public sealed class QrTokens
{
    public const int MacBytes = 12;
    private const string Domain = "SkillVerify QR token v1\n";
    private readonly Dictionary<string, byte[]> keys;
    private readonly string? activeKeyId;

    public QrTokens(IReadOnlyList<(string Id, byte[] Key)> keys, string? activeKeyId)
    {
        this.keys = keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal);
        this.activeKeyId = activeKeyId ?? (keys.Count > 0 ? keys[^1].Id : null);
    }

    /// <summary>False when no token key is configured: QR links cannot be issued and every token is invalid.</summary>
    public bool Enabled => activeKeyId is not null;

    /// <summary>The token for a canonical code, with the active key.</summary>
    public string Issue(string canonicalCode)
    {
        var id = activeKeyId ?? throw new InvalidOperationException("No QR token key is configured (Qr:TokenKeys).");
        return id + "." + Mac(keys[id], canonicalCode);
    }

    public TokenState Check(string canonicalCode, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenState.Missing;
        }
        var dot = token.IndexOf('.');
        if (token.Length > 64 || dot <= 0 || !keys.TryGetValue(token[..dot], out var key))
        {
            return TokenState.Invalid;
        }
        var expected = Encoding.ASCII.GetBytes(Mac(key, canonicalCode));
        var given = Encoding.UTF8.GetBytes(token[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? TokenState.Valid : TokenState.Invalid;
    }

    private static string Mac(byte[] key, string canonicalCode)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(Domain + canonicalCode), mac);
        return Convert.ToBase64String(mac[..MacBytes]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Loads the configured keys, or on the embedded demo (nothing configured) a random key kept in the data folder.</summary>
    public static QrTokens Load(QrOptions options, StorageLayout layout)
    {
        if (options.TokenKeys.Count == 0)
        {
            if (!(layout.Demo))
            {
                return new QrTokens([], null);
            }
            // Demo only: a random key beside the embedded database, never in the repository.
            var path = Path.Combine(layout.DataDirectory, "qr-token.key");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(layout.DataDirectory);
                File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            return new QrTokens([("demo", Convert.FromBase64String(File.ReadAllText(path).Trim()))], null);
        }
        var keys = options.TokenKeys.Where(k => !k.Retired).Select(k => (k.Id!, ReadKey(k)!)).ToList();
        return new QrTokens(keys, string.IsNullOrWhiteSpace(options.ActiveTokenKeyId) ? null : options.ActiveTokenKeyId);
    }

    internal static byte[]? ReadKey(QrTokenKeyOptions k)
    {
        var text = k.Key;
        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(k.KeyFile))
        {
            text = File.ReadAllText(k.KeyFile).Trim();
        }
        try
        {
            return text is null ? null : Convert.FromBase64String(text) is { Length: >= 32 } key ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The sentences naming each wrong setting under <c>Qr</c>, empty when they are usable.</summary>
    public static List<string> Validate(QrOptions options)
    {
        var errors = new List<string>();
        if (options.PublicBaseUrl is { Length: > 0 } url
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0))
        {
            errors.Add("Qr:PublicBaseUrl (Qr__PublicBaseUrl) must be an absolute http(s) URL without query, such as https://verify.example.gov.cn.");
        }
        for (var i = 0; i < options.OfficialHosts.Count; i++)
        {
            if (Uri.CheckHostName(options.OfficialHosts[i].Split(':')[0]) == UriHostNameType.Unknown)
            {
                errors.Add($"Qr:OfficialHosts:{i} must be a host name, optionally with :port.");
            }
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.TokenKeys.Count; i++)
        {
            var k = options.TokenKeys[i];
            if (string.IsNullOrEmpty(k.Id) || k.Id.Length > 8 || !k.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                errors.Add($"Qr:TokenKeys:{i}:Id must be 1–8 characters of a–z and 0–9.");
            }
            else if (!ids.Add(k.Id))
            {
                errors.Add($"Qr:TokenKeys:{i}:Id '{k.Id}' is used twice.");
            }
            if (!k.Retired)
            {
                try
                {
                    if (ReadKey(k) is null)
                    {
                        errors.Add($"Qr:TokenKeys:{i}:Key (or KeyFile) must hold base64 of at least 32 bytes.");
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"Qr:TokenKeys:{i}:KeyFile cannot be read: {ex.Message}");
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(options.ActiveTokenKeyId) && !options.TokenKeys.Any(k => k.Id == options.ActiveTokenKeyId && !k.Retired))
        {
            errors.Add($"Qr:ActiveTokenKeyId '{options.ActiveTokenKeyId}' must name a key in Qr:TokenKeys that is not retired.");
        }
        return errors;
    }
}

internal sealed class QrOptionsValidator : IValidateOptions<QrOptions>
{
    public ValidateOptionsResult Validate(string? name, QrOptions options) =>
        QrTokens.Validate(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
