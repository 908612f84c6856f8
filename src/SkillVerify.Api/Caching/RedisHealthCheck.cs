using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Redis is a cache: without it the service still answers (from the database), so it is "degraded", never
/// "unhealthy" — also while FusionCache's circuit breaker still skips Redis after a failure.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis, RedisBreaker breaker, IOptions<CacheOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Degraded("Redis unreachable: answering from the database and the in-process cache.");
        }
        if (breaker.IsOpen)
        {
            return HealthCheckResult.Degraded("Redis failed a moment ago: skipped for a moment, answering from the database and the in-process cache.");
        }
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromMilliseconds(options.Value.RedisOperationTimeoutMs), cancellationToken);
            return HealthCheckResult.Healthy($"Redis reachable ({latency.TotalMilliseconds:F0} ms)");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"Redis not answering ({ex.GetType().Name}): answering from the database and the in-process cache.");
        }
    }
}

/// <summary>
/// Follows FusionCache's circuit breaker on Redis (L2): logs when it opens and closes — without cache keys, which
/// name certificates, so FusionCache itself logs nothing — and tells the health check while it is open.
/// </summary>
public sealed partial class RedisBreaker(IOptions<CacheOptions> options, TimeProvider time, ILogger<RedisBreaker> logger)
{
    private long openUntil;

    public bool IsOpen => time.GetUtcNow().UtcTicks < Volatile.Read(ref openUntil);

    public void Follow(IFusionCache cache) => cache.Events.Distributed.CircuitBreakerChange += (_, e) =>
    {
        if (e.IsClosed)
        {
            Volatile.Write(ref openUntil, 0);
            Closed(logger);
        }
        else
        {
            Volatile.Write(ref openUntil, (time.GetUtcNow() + TimeSpan.FromMilliseconds(options.Value.RedisBreakMs)).UtcTicks);
            Opened(logger, options.Value.RedisBreakMs);
        }
    };

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Redis answers again: the cache uses it.")]
    private static partial void Closed(ILogger logger);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Redis failing: bypassed for {Break} ms, answering from the database.")]
    private static partial void Opened(ILogger logger, int @break);
}
