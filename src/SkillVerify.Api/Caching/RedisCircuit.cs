using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Every cache call to Redis goes through here: bounded by a short timeout, and skipped altogether while
/// Redis is disconnected or has just failed repeatedly (then one probe per break decides when to use it
/// again). A Redis outage therefore costs a request at most one timeout, never a 5xx or a stall.
/// </summary>
public sealed class RedisCircuit(IConnectionMultiplexer redis, IOptions<CacheOptions> options, TimeProvider time, ILogger<RedisCircuit> logger)
{
    private const int FailuresToOpen = 3;
    private readonly TimeSpan timeout = TimeSpan.FromMilliseconds(options.Value.RedisOperationTimeoutMs);
    private readonly TimeSpan breakDuration = TimeSpan.FromMilliseconds(options.Value.RedisBreakMs);
    private int consecutiveFailures;
    private long openUntil;
    private int probing;

    public IConnectionMultiplexer Connection => redis;

    public TimeSpan Timeout => timeout;

    /// <summary>True when calls currently go to Redis.</summary>
    public bool IsClosed => redis.IsConnected && Volatile.Read(ref consecutiveFailures) < FailuresToOpen;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, T fallback, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return fallback;
        }
        var probe = false;
        if (Volatile.Read(ref consecutiveFailures) >= FailuresToOpen)
        {
            // Open: only one caller at a time probes, and only once the break is over.
            if (time.GetUtcNow().UtcTicks < Volatile.Read(ref openUntil) || Interlocked.CompareExchange(ref probing, 1, 0) != 0)
            {
                return fallback;
            }
            probe = true;
        }
        try
        {
            var result = await operation(cancellationToken).WaitAsync(timeout, cancellationToken);
            if (Interlocked.Exchange(ref consecutiveFailures, 0) >= FailuresToOpen)
            {
                logger.LogInformation("Redis answers again: the cache uses it.");
            }
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever Redis (or its client) throws, the cache must not turn it into an error answer.
            if (Interlocked.Increment(ref consecutiveFailures) == FailuresToOpen || probe)
            {
                logger.LogWarning("Redis failing ({Error}): bypassed for {Break} ms, answering from the database.", ex.GetType().Name, breakDuration.TotalMilliseconds);
            }
            Volatile.Write(ref openUntil, (time.GetUtcNow() + breakDuration).UtcTicks);
            return fallback;
        }
        finally
        {
            if (probe)
            {
                Volatile.Write(ref probing, 0);
            }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async ct =>
        {
            await operation(ct);
            return true;
        }, false, cancellationToken);
}
