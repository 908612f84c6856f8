using System.Threading.RateLimiting;
using RedisRateLimiting;

namespace SkillVerify.Api.RateLimiting;

/// <summary>
/// One client's request window, as a partition of <see cref="ApiRateLimitPolicy"/>: a fixed window in Redis
/// (RedisRateLimiting, shared by every instance) when Redis is configured and answering, else a fixed window in this
/// instance's memory (System.Threading.RateLimiting), so a Redis outage leaves per-instance limits, never none. Each
/// take writes the caller's RateLimit headers on its answer and leaves the window on the request for
/// <see cref="TakeMoreAsync"/> (a batch of N counts N).
/// </summary>
public sealed class RequestWindow : ReplenishingRateLimiter
{
    private readonly RedisFixedWindowRateLimiter<string>? shared;
    private readonly FixedWindowRateLimiter local;
    private readonly RedisFallback fallback;
    private readonly IHttpContextAccessor http;
    private readonly Action released;
    private readonly string policy;
    private long localWindowEndTicks;

    internal RequestWindow(string policy, int limit, RedisFixedWindowRateLimiter<string>? shared, RedisFallback fallback, IHttpContextAccessor http, Action released)
    {
        this.policy = policy;
        Limit = limit;
        this.shared = shared;
        this.fallback = fallback;
        this.http = http;
        this.released = released;
        // Replenished by the framework's partitioned limiter (TryReplenish), as its own fixed-window partitions are.
        local = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = RateLimitOptions.Window, QueueLimit = 0, AutoReplenishment = false });
        localWindowEndTicks = (TimeProvider.System.GetUtcNow() + RateLimitOptions.Window).UtcTicks;
    }

    /// <summary>Requests per minute in this window.</summary>
    public int Limit { get; }

    /// <summary>The window this request was counted in, or null when it was not limited.</summary>
    public static RequestWindow? Of(HttpContext context) => context.Features.Get<RequestWindow>();

    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => RateLimitOptions.Window;

    public override TimeSpan? IdleDuration => (local.IdleDuration, shared?.IdleDuration) switch
    {
        ({ } a, { } b) => a < b ? a : b,
        ({ } a, null) when shared is null => a,
        _ => null,
    };

    public override bool TryReplenish()
    {
        var now = TimeProvider.System.GetUtcNow();
        if (now.UtcTicks >= Interlocked.Read(ref localWindowEndTicks))
        {
            Interlocked.Exchange(ref localWindowEndTicks, (now + RateLimitOptions.Window).UtcTicks);
        }
        return local.TryReplenish();
    }

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        // Redis is asynchronous: answer "not yet" so the middleware goes on to AcquireAsync, which asks it.
        if (shared is not null && fallback.Available)
        {
            return Lease.Deferred;
        }
        return Finish(TakeLocal(permitCount));
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Finish(await TakeAsync(permitCount, cancellationToken));

    /// <summary>More permits for the same request's caller (the middleware took one); a refused take changes nothing.</summary>
    public async ValueTask<WindowCount> TakeMoreAsync(int permits, CancellationToken cancellationToken)
    {
        var count = await TakeAsync(permits, cancellationToken);
        Finish(count).Dispose();
        return count;
    }

    private async ValueTask<WindowCount> TakeAsync(int permits, CancellationToken cancellationToken)
    {
        if (shared is null || !fallback.Available)
        {
            return TakeLocal(permits);
        }
        try
        {
            using var lease = await shared.AcquireAsync(permits, cancellationToken).AsTask().WaitAsync(fallback.Timeout, cancellationToken);
            lease.TryGetMetadata(RateLimitMetadataName.Remaining, out var remaining);
            lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var reset);
            return new WindowCount(lease.IsAcquired, Limit, (int)remaining, TimeSpan.FromSeconds(reset));
        }
        catch (Exception ex) when (RedisFallback.IsOutage(ex))
        {
            fallback.Failed(ex);
            return TakeLocal(permits);
        }
    }

    private WindowCount TakeLocal(int permits)
    {
        using var lease = local.AttemptAcquire(permits);
        var remaining = (int)(local.GetStatistics()?.CurrentAvailablePermits ?? 0);
        var reset = TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref localWindowEndTicks) - TimeProvider.System.GetUtcNow().UtcTicks));
        return new WindowCount(lease.IsAcquired, Limit, remaining, reset);
    }

    /// <summary>
    /// The framework's limiter gives a successful lease to nobody but itself, so the counts reach the answer here:
    /// on the request being limited (IHttpContextAccessor), with this window left on it for the endpoint.
    /// </summary>
    private Lease Finish(WindowCount count)
    {
        if (http.HttpContext is { } context)
        {
            context.Features.Set(this);
            RateLimitHeaders.Write(context, policy, count);
        }
        return count.Acquired ? Lease.Acquired : new Lease(false, count.ResetAfter);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            local.Dispose();
            shared?.Dispose();
            released();
        }
        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);
        public static readonly Lease Deferred = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
