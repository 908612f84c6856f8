using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SkillVerify.Data.Caching;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace SkillVerify.Api.Caching;

public static class CachingExtensions
{
    /// <summary>The in-process (L1) memory of the record cache, for whoever needs to count it.</summary>
    public const string RecordMemory = "records";

    /// <summary>
    /// Records through FusionCache: an in-process L1 bounded by <c>Cache:MaxLocalEntries</c> and, when
    /// <c>ConnectionStrings:Redis</c> is set, Redis as L2 and as the backplane that carries invalidations, over the
    /// process's one <see cref="IConnectionMultiplexer"/>; output caching for public answers, in process. Without Redis
    /// everything stays in process.
    /// </summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations()
            .Validate<IConfiguration>((_, configuration) => IsValidRedis(configuration.GetConnectionString(CacheOptions.RedisConnectionStringName)),
                "ConnectionStrings:Redis (ConnectionStrings__Redis) is not a valid Redis connection string; for example 127.0.0.1:6379.")
            .ValidateOnStart();

        // Each entry counts one, so a flood of keys cannot grow memory without bound; past it, new entries are refused and the oldest compacted away.
        services.AddKeyedSingleton<IMemoryCache>(RecordMemory, (sp, _) =>
            new MemoryCache(new MemoryCacheOptions { SizeLimit = sp.GetRequiredService<IOptions<CacheOptions>>().Value.MaxLocalEntries, CompactionPercentage = 0.10 }));
        services.AddSingleton<IFusionCache>(sp => CreateRecordCache(sp, sp.GetRequiredService<IOptions<CacheOptions>>().Value));
        services.AddSingleton<CacheInvalidator>();
        services.AddHostedService(sp => sp.GetRequiredService<CacheInvalidator>());
        // Which codes exist, in memory: a never-issued code or an unregistered issuer stops here (no cache, no database).
        services.AddSingleton<KnownCodes>();
        services.AddHostedService(sp => sp.GetRequiredService<KnownCodes>());

        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<IOptions<CacheOptions>>((o, c) => OutputCachePolicies.Configure(o, c.Value));

        var redisConnection = builder.Configuration.GetConnectionString(CacheOptions.RedisConnectionStringName);
        if (!string.IsNullOrWhiteSpace(redisConnection))
        {
            services.AddSingleton<IConnectionMultiplexer>(sp => Connect(redisConnection, sp.GetRequiredService<IOptions<CacheOptions>>().Value));
            services.AddSingleton<RedisBreaker>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, ["ready"]);
        }
        return builder;
    }

    /// <summary>
    /// Found and not-found certificates alike live <c>Cache:LocalSeconds</c> in L1 and <c>Cache:RecordSeconds</c> in Redis.
    /// A slow Redis call gives up after <c>Cache:RedisOperationTimeoutMs</c>, and a failing Redis is then skipped for
    /// <c>Cache:RedisBreakMs</c> (circuit breaker); with the database down a record read before is served for up to
    /// <c>Cache:RecordSeconds</c> (fail-safe). Reads never notify the other instances: only invalidations do.
    /// </summary>
    private static FusionCache CreateRecordCache(IServiceProvider sp, CacheOptions settings)
    {
        var options = new FusionCacheOptions
        {
            DistributedCacheCircuitBreakerDuration = TimeSpan.FromMilliseconds(settings.RedisBreakMs),
            BackplaneCircuitBreakerDuration = TimeSpan.FromMilliseconds(settings.RedisBreakMs),
            DefaultEntryOptions = new FusionCacheEntryOptions
            {
                Duration = TimeSpan.FromSeconds(settings.RecordSeconds),
                MemoryCacheDuration = TimeSpan.FromSeconds(settings.LocalSeconds),
                IsFailSafeEnabled = true,
                FailSafeMaxDuration = TimeSpan.FromSeconds(settings.RecordSeconds),
                DistributedCacheFailSafeMaxDuration = TimeSpan.FromSeconds(settings.RecordSeconds),
                DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(settings.RedisOperationTimeoutMs),
                AllowBackgroundDistributedCacheOperations = true,
                SkipBackplaneNotifications = true,
                // An entry this version cannot read (another format, an older writer) is a miss, never an error answer.
                ReThrowSerializationExceptions = false,
                Size = 1,
            },
            TagsDefaultEntryOptions = new FusionCacheEntryOptions { Size = 1 },
        };
        // No logger: FusionCache's messages name cache keys, and so certificate codes (RedisBreaker logs what matters).
        var cache = SharedCache.Create(options, settings.KeyPrefix, sp.GetRequiredKeyedService<IMemoryCache>(RecordMemory), sp.GetService<IConnectionMultiplexer>());
        sp.GetService<RedisBreaker>()?.Follow(cache);
        return cache;
    }

    private static bool IsValidRedis(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return true;
        }
        try
        {
            return ConfigurationOptions.Parse(connectionString).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// One multiplexer for the whole process. Never aborts when Redis is down at start (it keeps retrying
    /// every half second); fails fast rather than queueing commands while disconnected; short timeouts. With
    /// <c>serviceName=…</c> the endpoints are sentinels: it connects to the primary they name and follows failovers,
    /// also when no sentinel answers at start (docs/scale-out.md, SentinelFailoverTests).
    /// </summary>
    private static ConnectionMultiplexer Connect(string connectionString, CacheOptions options)
    {
        ConfigurationOptions config;
        try
        {
            config = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException("Redis", typeof(CacheOptions),
                [$"ConnectionStrings:Redis (ConnectionStrings__Redis) is not a valid Redis connection string ({ex.Message}); for example 127.0.0.1:6379."]);
        }
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = options.RedisConnectTimeoutMs;
        config.SyncTimeout = options.RedisOperationTimeoutMs;
        config.AsyncTimeout = options.RedisOperationTimeoutMs;
        config.ConnectRetry = 1;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ReconnectRetryPolicy = new LinearRetry(500);
        config.ClientName ??= "skillverify";
        return ConnectionMultiplexer.Connect(config);
    }
}
