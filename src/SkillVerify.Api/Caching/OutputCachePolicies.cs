using Microsoft.AspNetCore.OutputCaching;
using SkillVerify.Domain.Codes;

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

    /// <summary>
    /// Cache-Control of a decode answer, computed on every request (cheaper than an output-cache insert for a code
    /// never seen before): public, for <c>Cache:StaticOutputSeconds</c> but never past midnight in Beijing.
    /// </summary>
    public static string PublicUntilTomorrow(CodeDecoder decoder, CacheOptions cache)
    {
        var seconds = (long)Math.Min(cache.StaticOutputSeconds, Math.Floor(decoder.UntilTomorrow.TotalSeconds));
        return "public, max-age=" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Configure(OutputCacheOptions options, CacheOptions cache)
    {
        options.SizeLimit = cache.LocalOutputBytes;
        options.AddPolicy(Static, b => b
            .With(IsAnonymous)
            .Expire(TimeSpan.FromSeconds(cache.StaticOutputSeconds))
            .AddPolicy<UntilBeijingMidnight>()
            .Tag(StaticTag));
        options.AddPolicy(Registry, b => b
            .With(IsAnonymous)
            .Expire(TimeSpan.FromSeconds(cache.RegistryOutputSeconds))
            .AddPolicy<UntilBeijingMidnight>()
            .Tag(RegistryTag));
    }

    /// <summary>
    /// Decode answers (future-year rule) and registry answers (current status) depend on today's date in
    /// Beijing: an entry never outlives the day it was computed for. Added after <c>Expire</c>, so it can only shorten it.
    /// </summary>
    private sealed class UntilBeijingMidnight : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            var untilTomorrow = context.HttpContext.RequestServices.GetRequiredService<CodeDecoder>().UntilTomorrow;
            if (context.ResponseExpirationTimeSpan is not { } expiry || untilTomorrow < expiry)
            {
                context.ResponseExpirationTimeSpan = untilTomorrow;
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    // A partner's or an admin's request (any X-Api-Key, valid or not) may be answered differently: never served from or stored in the shared cache.
    private static bool IsAnonymous(OutputCacheContext context) => !context.HttpContext.Request.Headers.ContainsKey("X-Api-Key");
}
