using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SkillVerify.Api.RateLimiting;

/// <summary>The state of one client's window after a request: taken or refused, the limit, what is left, when it resets.</summary>
public readonly record struct WindowCount(bool Acquired, int Limit, int Remaining, TimeSpan ResetAfter);

/// <summary>
/// Fixed windows in this instance's memory for the holder-check budget: its counts when no Redis is configured, and
/// the fallback when Redis is down (per-instance limits, never none). One entry per caller or code seen in its window;
/// stale entries are swept as requests arrive.
/// </summary>
public sealed class LocalWindows(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private long calls;

    /// <summary>Clients with a window in memory (anonymous addresses and partner keys seen recently).</summary>
    public int Count => windows.Count;

    /// <summary>Takes <paramref name="permits"/> (a negative number gives permits back) from a fixed window of <paramref name="length"/>.</summary>
    public WindowCount Take(string partition, int permits, int limit, TimeSpan length)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref calls) % 1024 == 0)
        {
            Sweep(now);
        }
        var window = windows.GetOrAdd(partition, static _ => new Window());
        lock (window)
        {
            if (now >= window.End)
            {
                window.End = now + length;
                window.Length = length;
                window.Used = 0;
            }
            var acquired = window.Used + permits <= limit;
            if (acquired)
            {
                window.Used += permits;
            }
            return new WindowCount(acquired, limit, Math.Max(0, limit - window.Used), window.End - now);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, window) in windows)
        {
            // A full window past its end: nobody has used it for that long.
            if (window.End + window.Length < now)
            {
                windows.TryRemove(new KeyValuePair<string, Window>(key, window));
            }
        }
    }

    private sealed class Window
    {
        public DateTimeOffset End;
        public TimeSpan Length = RateLimitOptions.Window;
        public int Used;
    }
}

/// <summary>
/// Fixed windows shared by every instance through one Redis counter per client, taken atomically by a Lua script on
/// the process's one Redis connection. Unlike the request limits (RedisRateLimiting behind ASP.NET Core's limiter),
/// the holder-check budget gives permits back (a check that bound its holder is not a failure), which that package's
/// windows cannot. While Redis is down (<see cref="RedisFallback"/>) the count falls back to <see cref="LocalWindows"/>.
/// </summary>
public sealed class RedisWindows(IConnectionMultiplexer redis, RedisFallback fallback, LocalWindows local, RateLimitOptions options)
{
    // KEYS[1] counter; ARGV: permits, limit, window ms. Refusals do not count, so a client hammering past
    // its limit does not push its own reset further away.
    private const string Script = """
        local permits = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        if used + permits > limit then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl < 0 then ttl = tonumber(ARGV[3]) end
          return {0, used, ttl}
        end
        used = redis.call('INCRBY', KEYS[1], permits)
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          ttl = tonumber(ARGV[3])
        end
        return {1, used, ttl}
        """;

    public async ValueTask<WindowCount> TakeAsync(string partition, int permits, int limit, TimeSpan length, CancellationToken cancellationToken)
    {
        if (!fallback.Available)
        {
            return local.Take(partition, permits, limit, length);
        }
        try
        {
            var result = await redis.GetDatabase()
                .ScriptEvaluateAsync(Script, [new RedisKey(options.RedisKeyPrefix + partition)], [permits, limit, (long)length.TotalMilliseconds])
                .WaitAsync(fallback.Timeout, cancellationToken);
            var values = (RedisResult[])result!;
            var used = (int)(long)values[1];
            return new WindowCount((long)values[0] == 1, limit, Math.Max(0, limit - used), TimeSpan.FromMilliseconds((long)values[2]));
        }
        catch (Exception ex) when (RedisFallback.IsOutage(ex))
        {
            fallback.Failed(ex);
            return local.Take(partition, permits, limit, length);
        }
    }
}

/// <summary>
/// The counters of the holder-check budget: Redis when configured (shared by all instances, per instance while Redis
/// is down), this instance's memory otherwise.
/// </summary>
public sealed class WindowStore(LocalWindows local, RedisWindows? shared)
{
    public ValueTask<WindowCount> TakeAsync(string partition, int permits, int limit, TimeSpan length, CancellationToken cancellationToken) =>
        shared is not null
            ? shared.TakeAsync(partition, permits, limit, length, cancellationToken)
            : ValueTask.FromResult(local.Take(partition, permits, limit, length));
}
