using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SkillVerify.Api.RateLimiting;

/// <summary>The state of one client's window after a request: taken or refused, the limit, what is left, when it resets.</summary>
public readonly record struct WindowCount(bool Acquired, int Limit, int Remaining, TimeSpan ResetAfter);

/// <summary>
/// Fixed one-minute windows in this instance's memory: the limits when no Redis is configured, and the
/// fallback when Redis is down (per-instance limits, never none). One entry per client seen this minute;
/// stale entries are swept as requests arrive.
/// </summary>
public sealed class LocalWindows(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private long calls;

    /// <summary>Clients with a window in memory (anonymous addresses and partner keys seen recently).</summary>
    public int Count => windows.Count;

    public WindowCount Take(string partition, int permits, int limit) => Take(partition, permits, limit, RateLimitOptions.Window);

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
/// Fixed windows shared by every instance through one Redis counter per client, taken atomically by a
/// Lua script. (No maintained Redis rate-limiting package is available here, so this small script sits
/// behind System.Threading.RateLimiting.) A request never waits on Redis longer than
/// <see cref="RateLimitOptions.RedisTimeoutMilliseconds"/>: on a failure or timeout it is counted by
/// <see cref="LocalWindows"/>, and Redis is left alone for <see cref="RateLimitOptions.RedisRetrySeconds"/>.
/// </summary>
public sealed class RedisWindows : IAsyncDisposable
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

    private readonly ConfigurationOptions configuration;
    private readonly LocalWindows fallback;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TimeSpan timeout;
    private readonly TimeSpan retryAfterFailure;
    private readonly string prefix;
    private readonly Lock connectLock = new();
    private Task<ConnectionMultiplexer>? connecting;
    private long downUntilTicks;

    public RedisWindows(string connectionString, RateLimitOptions options, LocalWindows fallback, TimeProvider time, ILogger<RedisWindows> logger)
    {
        configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2_000);
        configuration.AsyncTimeout = options.RedisTimeoutMilliseconds;
        configuration.SyncTimeout = options.RedisTimeoutMilliseconds;
        this.fallback = fallback;
        this.time = time;
        this.logger = logger;
        timeout = TimeSpan.FromMilliseconds(options.RedisTimeoutMilliseconds);
        retryAfterFailure = TimeSpan.FromSeconds(options.RedisRetrySeconds);
        prefix = options.RedisKeyPrefix;
    }

    /// <summary>False for a few seconds after Redis failed: requests are then counted per instance without trying Redis.</summary>
    public bool Available => time.GetUtcNow().UtcTicks >= Interlocked.Read(ref downUntilTicks);

    public ValueTask<WindowCount> TakeAsync(string partition, int permits, int limit, CancellationToken cancellationToken) =>
        TakeAsync(partition, permits, limit, RateLimitOptions.Window, cancellationToken);

    public async ValueTask<WindowCount> TakeAsync(string partition, int permits, int limit, TimeSpan length, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            return fallback.Take(partition, permits, limit, length);
        }
        try
        {
            var redis = await Connect().WaitAsync(timeout, cancellationToken);
            var result = await redis.GetDatabase()
                .ScriptEvaluateAsync(Script, [new RedisKey(prefix + partition)], [permits, limit, (long)length.TotalMilliseconds])
                .WaitAsync(timeout, cancellationToken);
            var values = (RedisResult[])result!;
            var used = (int)(long)values[1];
            return new WindowCount((long)values[0] == 1, limit, Math.Max(0, limit - used), TimeSpan.FromMilliseconds((long)values[2]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException)
        {
            if (Available)
            {
                logger.LogWarning("Redis rate limiting unavailable ({Error}); counting per instance for {Seconds} s.", ex.GetType().Name, retryAfterFailure.TotalSeconds);
            }
            Interlocked.Exchange(ref downUntilTicks, (time.GetUtcNow() + retryAfterFailure).UtcTicks);
            return fallback.Take(partition, permits, limit, length);
        }
    }

    private Task<ConnectionMultiplexer> Connect()
    {
        lock (connectLock)
        {
            // One connection, reconnecting by itself; a failed first connect is retried on a later request.
            if (connecting is null || connecting.IsFaulted || connecting.IsCanceled)
            {
                connecting = ConnectionMultiplexer.ConnectAsync(configuration);
            }
            return connecting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connecting is { IsCompletedSuccessfully: true } task)
        {
            await task.Result.DisposeAsync();
        }
    }
}

/// <summary>
/// The counters every limit in this service is kept in: Redis when configured (shared by all instances, per
/// instance while Redis is down), this instance's memory otherwise.
/// </summary>
public sealed class WindowStore(LocalWindows local, RedisWindows? shared)
{
    public LocalWindows Local => local;

    public RedisWindows? Shared => shared;

    public ValueTask<WindowCount> TakeAsync(string partition, int permits, int limit, TimeSpan length, CancellationToken cancellationToken) =>
        shared is not null
            ? shared.TakeAsync(partition, permits, limit, length, cancellationToken)
            : ValueTask.FromResult(local.Take(partition, permits, limit, length));
}
