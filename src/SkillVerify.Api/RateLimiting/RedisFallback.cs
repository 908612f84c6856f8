using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SkillVerify.Api.RateLimiting;

/// <summary>
/// Whether the limits are counted in Redis right now. No request waits on Redis longer than
/// <see cref="RateLimitOptions.RedisTimeoutMilliseconds"/>; after a failure every limit is counted on this instance alone
/// for <see cref="RateLimitOptions.RedisRetrySeconds"/> before Redis is tried again (per instance, never unlimited).
/// Shared by the request limits and the holder-check budget, which use the process's one Redis connection.
/// </summary>
public sealed partial class RedisFallback(IOptions<RateLimitOptions> options, TimeProvider time, ILogger<RedisFallback> logger)
{
    private readonly TimeSpan retryAfterFailure = TimeSpan.FromSeconds(options.Value.RedisRetrySeconds);
    private long downUntilTicks;

    public TimeSpan Timeout { get; } = TimeSpan.FromMilliseconds(options.Value.RedisTimeoutMilliseconds);

    /// <summary>False for a few seconds after Redis failed: limits are then counted per instance without trying Redis.</summary>
    public bool Available => time.GetUtcNow().UtcTicks >= Interlocked.Read(ref downUntilTicks);

    /// <summary>Whether this exception means Redis is down or too slow (rather than a bug to let through).</summary>
    public static bool IsOutage(Exception ex) => ex is RedisException or TimeoutException or InvalidCastException;

    public void Failed(Exception ex)
    {
        if (Available)
        {
            Unavailable(logger, ex.GetType().Name, retryAfterFailure.TotalSeconds);
        }
        Interlocked.Exchange(ref downUntilTicks, (time.GetUtcNow() + retryAfterFailure).UtcTicks);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Redis rate limiting unavailable ({Error}); counting per instance for {Seconds} s.")]
    private static partial void Unavailable(ILogger logger, string error, double seconds);
}
