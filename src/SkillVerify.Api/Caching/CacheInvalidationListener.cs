using SkillVerify.Data.Caching;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Listens on the invalidation channel and evicts on receipt. When the connection to Redis comes back,
/// messages may have been missed while it was away: the whole local cache is dropped then.
/// </summary>
public sealed class CacheInvalidationListener(
    IConnectionMultiplexer redis, CacheInvalidationPublisher publisher, CacheInvalidator invalidator, ILogger<CacheInvalidationListener> logger) : IHostedService
{
    private int subscribed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnRestored;
        _ = SubscribeAsync();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnRestored;
        if (Interlocked.Exchange(ref subscribed, 0) == 1 && redis.IsConnected)
        {
            try
            {
                await redis.GetSubscriber().UnsubscribeAsync(publisher.Channel).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (Exception ex)
            {
                // Shutting down: the server drops the subscription with the connection anyway.
                logger.LogDebug("Unsubscribing at shutdown failed: {Error}", ex.GetType().Name);
            }
        }
    }

    private async Task SubscribeAsync()
    {
        if (Interlocked.CompareExchange(ref subscribed, 1, 0) != 0)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().SubscribeAsync(publisher.Channel, OnMessage);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Volatile.Write(ref subscribed, 0);
            logger.LogWarning("Redis unreachable ({Error}): cache invalidations will be received once it is back.", ex.GetType().Name);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        if (message.IsNullOrEmpty)
        {
            return;
        }
        _ = EvictAsync(CacheInvalidation.Parse(message.ToString()));
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        logger.LogInformation("Redis connection restored ({Type}): dropping the local cache, invalidations may have been missed.", e.ConnectionType);
        _ = EvictAsync(CacheInvalidation.All);
        _ = SubscribeAsync();
    }

    private async Task EvictAsync(CacheInvalidation invalidation)
    {
        try
        {
            await invalidator.EvictLocalAsync(invalidation);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Evicting after a cache invalidation failed.");
        }
    }
}
