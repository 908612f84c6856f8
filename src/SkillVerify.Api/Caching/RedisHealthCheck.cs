using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

/// <summary>Redis is a cache: without it the service still answers (from the database), so it is "degraded", never "unhealthy".</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis, RedisCircuit circuit) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Degraded("Redis unreachable: answering from the database and the in-process cache.");
        }
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(circuit.Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"Redis reachable ({latency.TotalMilliseconds:F0} ms)");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"Redis not answering ({ex.GetType().Name}): answering from the database and the in-process cache.");
        }
    }
}
