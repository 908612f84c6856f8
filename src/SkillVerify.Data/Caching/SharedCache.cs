using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkillVerify.Domain.Verification;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace SkillVerify.Data.Caching;

/// <summary>
/// The one FusionCache shape every process that shares the records agrees on — the API instances, which cache
/// through it, and the import CLI, which only removes from it: Redis keys <c>&lt;prefix&gt;cert:CODE</c>, the
/// backplane channel under the same prefix, and JSON with source generation for the record types.
/// </summary>
public static class SharedCache
{
    /// <summary>
    /// A FusionCache over <paramref name="memory"/> (L1) and, when <paramref name="redis"/> is given, Redis as L2
    /// and backplane over that very multiplexer (the process's one connection).
    /// </summary>
    public static FusionCache Create(FusionCacheOptions options, string keyPrefix, IMemoryCache memory, IConnectionMultiplexer? redis, ILoggerFactory? logging = null)
    {
        options.CacheName = "records";
        // Keys in Redis are exactly <prefix><key>, as every writer and the tests name them.
        options.DistributedCacheKeyModifierMode = CacheKeyModifierMode.None;
        options.BackplaneChannelPrefix = keyPrefix + "records";
        options.ReThrowOriginalExceptions = true;
        var cache = new FusionCache(options, memory, logging?.CreateLogger<FusionCache>());
        if (redis is not null)
        {
            cache.SetupDistributedCache(
                new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult(redis), InstanceName = keyPrefix })),
                Serializer);
            cache.SetupBackplane(new RedisBackplane(
                Options.Create(new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Task.FromResult(redis) }),
                logging?.CreateLogger<RedisBackplane>()));
        }
        return cache;
    }

    /// <summary>
    /// Source-generated contracts for the cached records (no reflection per request; the same bytes the reflection-based
    /// serializer writes, CacheSerializerTests); anything else FusionCache stores (its tag and clear markers) by reflection.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(CacheJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static FusionCacheSystemTextJsonSerializer Serializer { get; } = new(SerializerOptions);
}

// Metadata only, no generated fast path: that path writes a null byte[] as "" (dotnet/runtime#129833), which reads back as an
// empty ID hash — "an ID on record" that matches nothing. The metadata path uses the framework's converters: null stays null.
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(FusionCacheDistributedEntry<CertificateRecord>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<OrganizationRecord>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<RegistrySnapshot>))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
