using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.OutputCaching.StackExchangeRedis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Verification;
using SkillVerify.Data.Caching;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

public static class CachingExtensions
{
    /// <summary>
    /// Records through HybridCache: a bounded in-process L1 and, when <c>ConnectionStrings:Redis</c> is set, Redis
    /// as L2 over one shared <see cref="IConnectionMultiplexer"/>; output caching for public answers; invalidations
    /// over Redis pub/sub. Without Redis everything stays in process.
    /// </summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations()
            .Validate<IConfiguration>((_, configuration) => IsValidRedis(configuration.GetConnectionString(CacheOptions.RedisConnectionStringName)),
                "ConnectionStrings:Redis (ConnectionStrings__Redis) is not a valid Redis connection string; for example 127.0.0.1:6379.")
            .ValidateOnStart();

        // Registered before AddHybridCache, whose AddMemoryCache only adds one when none is there.
        services.AddSingleton(sp => new BoundedMemoryCache(sp.GetRequiredService<IOptions<CacheOptions>>().Value.MaxLocalEntries));
        services.AddSingleton<IMemoryCache>(sp => sp.GetRequiredService<BoundedMemoryCache>());
        services.AddSingleton<NotFoundCache>();
        services.AddHybridCache(options =>
        {
            options.MaximumPayloadBytes = 64 * 1024;
            options.MaximumKeyLength = 128;
            options.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = RecordCache.FoundTtl, LocalCacheExpiration = RecordCache.LocalTtl };
        });
        services.AddSingleton<RecordCache>();
        services.AddSingleton(sp => new AnswerMemo(sp.GetRequiredService<IOptions<CacheOptions>>().Value.AnswerMemoEntries));
        services.AddSingleton<VerificationService>();

        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<IOptions<CacheOptions>>((o, c) => OutputCachePolicies.Configure(o, c.Value));

        var redisConnection = builder.Configuration.GetConnectionString(CacheOptions.RedisConnectionStringName);
        if (!string.IsNullOrWhiteSpace(redisConnection))
        {
            AddRedis(services, redisConnection);
        }
        services.AddSingleton(sp => new CacheInvalidator(
            sp.GetRequiredService<BoundedMemoryCache>(), sp.GetRequiredService<NotFoundCache>(), sp.GetRequiredService<IOutputCacheStore>(),
            sp.GetRequiredService<HybridCache>(), sp.GetRequiredService<ILogger<CacheInvalidator>>(), sp.GetService<CacheInvalidationPublisher>(),
            TimeSpan.FromMilliseconds(4 * sp.GetRequiredService<IOptions<CacheOptions>>().Value.RedisOperationTimeoutMs)));
        return builder;
    }

    private static void AddRedis(IServiceCollection services, string connectionString)
    {
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(connectionString, sp.GetRequiredService<IOptions<CacheOptions>>().Value));
        services.AddSingleton<RedisCircuit>();
        services.AddSingleton(sp => new CacheInvalidationPublisher(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<CacheOptions>>().Value.KeyPrefix));

        // HybridCache's L2: Redis behind the circuit (a failing Redis is a miss, never an error).
        services.AddSingleton<IDistributedCache>(sp =>
        {
            var redis = sp.GetRequiredService<IConnectionMultiplexer>();
            var cache = new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(redis),
                InstanceName = sp.GetRequiredService<IOptions<CacheOptions>>().Value.KeyPrefix,
            }));
            return new ResilientDistributedCache(cache, sp.GetRequiredService<RedisCircuit>());
        });

        // Output cache: registry answers shared through Redis (and kept locally for Cache:LocalSeconds), the rest in the bounded in-process store AddOutputCache made.
        var memoryStore = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
        services.Remove(memoryStore);
        services.AddStackExchangeRedisOutputCache(_ => { });
        services.AddOptions<RedisOutputCacheOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var redis = sp.GetRequiredService<IConnectionMultiplexer>();
            o.ConnectionMultiplexerFactory = () => Task.FromResult(redis);
            o.InstanceName = sp.GetRequiredService<IOptions<CacheOptions>>().Value.KeyPrefix + "out:";
        });
        var redisStore = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
        services.Remove(redisStore);
        services.AddSingleton<IOutputCacheStore>(sp => new TieredOutputCacheStore(
            (IOutputCacheStore)Create(memoryStore, sp), (IOutputCacheStore)Create(redisStore, sp), sp.GetRequiredService<RedisCircuit>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<CacheOptions>>().Value.LocalSeconds)));

        services.AddHostedService<CacheInvalidationListener>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, ["ready"]);
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

    private static object Create(ServiceDescriptor descriptor, IServiceProvider sp) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);

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
