using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace SkillVerify.Data.Caching;

/// <summary>
/// For a writer outside the API (the import CLI): removes what changed from Redis (L2) and tells every API
/// instance, through FusionCache's backplane, to drop its in-process (L1) copy. It needs nothing of the API: a
/// connection to the same Redis and the same key prefix. Call it after the database write has committed.
/// </summary>
public sealed class CacheInvalidationPublisher : IAsyncDisposable
{
    private readonly IConnectionMultiplexer redis;
    private readonly MemoryCache memory = new(new MemoryCacheOptions());
    private readonly FusionCache cache;

    private CacheInvalidationPublisher(IConnectionMultiplexer redis, string keyPrefix)
    {
        this.redis = redis;
        // A one-off writer waits for Redis and sees its errors: nothing in the background, nothing swallowed.
        cache = SharedCache.Create(new FusionCacheOptions
        {
            // The backplane names its channel while it subscribes: a publish before that has no channel.
            WaitForInitialBackplaneSubscribe = true,
            DefaultEntryOptions = new FusionCacheEntryOptions
            {
                AllowBackgroundDistributedCacheOperations = false,
                AllowBackgroundBackplaneOperations = false,
                ReThrowDistributedCacheExceptions = true,
                ReThrowBackplaneExceptions = true,
            },
        }, keyPrefix, memory, redis);
    }

    /// <summary>Connects with short timeouts and fails at once when Redis cannot be reached. Disposing closes the connection.</summary>
    public static async Task<CacheInvalidationPublisher> ConnectAsync(string redisConnectionString, string keyPrefix = CacheKeys.DefaultPrefix)
    {
        var options = ConfigurationOptions.Parse(redisConnectionString);
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.AbortOnConnectFail = true;
        return new CacheInvalidationPublisher(await ConnectionMultiplexer.ConnectAsync(options), keyPrefix);
    }

    public async ValueTask DisposeAsync()
    {
        cache.Dispose();
        memory.Dispose();
        await redis.DisposeAsync();
    }

    /// <summary>Removes the L2 copies and notifies every instance. Throws when Redis cannot be reached (the caller decides whether that matters).</summary>
    public async Task PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        if (invalidation.Everything)
        {
            await cache.ClearAsync(allowFailSafe: false, token: cancellationToken);
            return;
        }
        foreach (var key in invalidation.Keys())
        {
            await cache.RemoveAsync(key, token: cancellationToken);
        }
    }
}
