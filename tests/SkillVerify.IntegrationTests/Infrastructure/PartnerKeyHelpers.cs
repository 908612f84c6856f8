using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Partners;
using SkillVerify.Api.Security;
using SkillVerify.Data.Partners;

namespace SkillVerify.IntegrationTests.Infrastructure;

public static class PartnerKeyHelpers
{
    /// <summary>Creates a key the way the CLI does and makes this instance see it at once (no wait for the periodic refresh).</summary>
    public static async Task<CreatedPartnerKey> CreatePartnerKeyAsync(this WebApplicationFactory<Program> factory, string provinces = "*",
        bool batch = true, bool idMatching = false, int perMinute = 10_000, DateTimeOffset? expires = null)
    {
        var keys = factory.Services.GetRequiredService<PartnerKeys>();
        var created = await keys.CreateAsync(new NewPartnerKey("测试合作方 " + Guid.NewGuid().ToString("N")[..6], provinces.Split(','), batch, idMatching, perMinute, expires));
        await factory.RefreshPartnerKeysAsync();
        return created;
    }

    public static Task RefreshPartnerKeysAsync(this WebApplicationFactory<Program> factory) =>
        factory.Services.GetRequiredService<PartnerKeyDirectory>().RefreshAsync();

    /// <summary>A key of the right shape that this service never issued.</summary>
    public static string RandomWellFormedKey() =>
        PartnerKeys.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PartnerKeys.IdHexLength / 2)) + "_"
        + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(PartnerKeys.SecretBytes));

    public static HttpClient WithKey(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Remove(PartnerAccess.Header);
        client.DefaultRequestHeaders.Add(PartnerAccess.Header, key);
        return client;
    }
}

/// <summary>The embedded default with an anonymous limit high enough for a test class's many requests from one client.</summary>
public sealed class GenerousLimitsFactory() : SkillVerifyFactory(new Dictionary<string, string?> { ["RateLimiting:AnonymousPerMinute"] = "1000000" });
