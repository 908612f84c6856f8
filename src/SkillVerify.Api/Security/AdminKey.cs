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
    public const string Header = "X-Api-Key";
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

    /// <summary>Query parameter names that would carry a key in a URL (logged, cached, shared): always refused, admin or partner.</summary>
    private static readonly string[] KeyParameters = ["apiKey", "api_key", "api-key", "x-api-key", "key"];

    /// <summary>Whether the URL carries something named like a key (names compared case-insensitively).</summary>
    public static bool HasKeyInQuery(HttpRequest request)
    {
        foreach (var name in KeyParameters)
        {
            if (request.Query.ContainsKey(name))
            {
                return true;
            }
        }
        return false;
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

public static class AdminKeyExtensions
{
    public static IHostApplicationBuilder AddAdminKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.ApiKeys.All(k => string.IsNullOrEmpty(k) || k.Length >= 32),
                "Admin:ApiKeys (Admin__ApiKeys__0, …) must each be at least 32 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AdminKeys>();
        return builder;
    }

    /// <summary>Requires an admin key in the X-Api-Key header: 401 problem without a valid one. A key in the query string is refused.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApi.ApiKeyMetadata(true, "管理员或发证机构的 API 密钥", "an admin or issuing-body key")).AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (AdminKeys.HasKeyInQuery(request))
            {
                return Problems.BadRequest("auth.key_in_query", "API 密钥不能放在网址中，请使用 X-Api-Key 请求头。", "API keys are refused in URLs; send the key in the X-Api-Key header.");
            }
            var keys = context.HttpContext.RequestServices.GetRequiredService<AdminKeys>();
            if (!keys.IsValid(request.Headers[AdminKeys.Header].ToString()))
            {
                return Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized.", "auth.admin_key_required",
                    "需要有效的管理员 API 密钥（X-Api-Key 请求头）。", "A valid admin API key is required in the X-Api-Key header.", null);
            }
            return await next(context);
        });
}
