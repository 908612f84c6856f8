using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Security;

/// <summary>Settings under <c>Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The demo admin key: accepted only in demo mode (Demo:Enabled), documented in README.</summary>
    public const string DemoKey = "demo-admin-key-not-for-production";

    /// <summary>Keys (at least 32 characters) for admins and issuing bodies, sent in the X-Api-Key header.</summary>
    public List<string> ApiKeys { get; set; } = [];
}

/// <summary>Admin keys, compared as SHA-256 digests in constant time.</summary>
public sealed class AdminKeys
{
    public const string Header = ApiKeyAuthentication.Header;
    private readonly List<byte[]> digests;

    public AdminKeys(IOptions<AdminOptions> options, StorageLayout layout)
    {
        var keys = options.Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (layout.Demo)
        {
            keys.Add(AdminOptions.DemoKey);
        }
        digests = keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToList();
    }

    /// <summary>Who made an admin write, for the audit record: a fingerprint of the key (never the key).</summary>
    public static string Fingerprint(string? key) =>
        "admin:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key ?? "")))[..12];

    public bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        var valid = false;
        foreach (var d in digests)
        {
            valid |= CryptographicOperations.FixedTimeEquals(d, digest);
        }
        return valid;
    }
}
