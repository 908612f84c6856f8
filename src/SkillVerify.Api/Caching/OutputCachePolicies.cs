using Microsoft.AspNetCore.OutputCaching;
using SkillVerify.Api.Security;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Output caching for public answers that carry no personal data: decode, levels (depend on the request
/// only) and organization lookups and search (depend on the registry, evicted on every registry write).
/// Verification answers are POSTs and never cached; nothing asked with an API key is cached.
/// </summary>
public static class OutputCachePolicies
{
    /// <summary>Decode and levels: the answer depends only on the request and the code rules.</summary>
    public const string Static = "public-static";

    /// <summary>Organization lookups and search: evicted by <see cref="RegistryTag"/> on every registry write.</summary>
    public const string Registry = "public-registry";

    public const string StaticTag = "static";
    public const string RegistryTag = "registry";

    public static void Configure(OutputCacheOptions options, CacheOptions cache)
    {
        options.SizeLimit = cache.LocalOutputBytes;
        options.AddPolicy(Static, b => b
            .With(IsAnonymous)
            .Expire(TimeSpan.FromSeconds(cache.StaticOutputSeconds))
            .Tag(StaticTag));
        options.AddPolicy(Registry, b => b
            .With(IsAnonymous)
            .Expire(TimeSpan.FromSeconds(cache.RegistryOutputSeconds))
            .Tag(RegistryTag));
    }

    // A partner's or an admin's request may be answered differently: never served from or stored in the shared cache.
    private static bool IsAnonymous(OutputCacheContext context) => !context.HttpContext.Request.Headers.ContainsKey(AdminKeys.Header);
}
