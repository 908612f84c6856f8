using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Security;

namespace SkillVerify.Api.RateLimiting;

/// <summary>
/// The global limiter behind ASP.NET Core's rate-limiting middleware: anonymous callers by client
/// address (IPv6 by /64, which one client typically holds whole), partners by key with the key's own
/// quota. A key that does not authenticate counts as anonymous, so forged keys create no partition of
/// their own. Answers under /api carry RateLimit-Policy and RateLimit (structured fields, see SetHeaders).
/// </summary>
public sealed class RequestLimiter(IOptions<RateLimitOptions> options, LocalWindows local, RedisWindows? shared = null) : PartitionedRateLimiter<HttpContext>
{
    private readonly RateLimitOptions settings = options.Value;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override async ValueTask DisposeAsyncCore()
    {
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && shared is not null)
        {
            shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (Identify(resource) is not { } client)
        {
            return WindowLease.Free;
        }
        // Redis is asynchronous: answer "not yet" so the middleware goes on to AcquireAsync, which asks it.
        if (shared is { Available: true })
        {
            return WindowLease.Deferred;
        }
        return Finish(resource, local.Take(client.Partition, permitCount, client.Limit));
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        if (Identify(resource) is not { } client)
        {
            return WindowLease.Free;
        }
        return Finish(resource, await TakeAsync(client, permitCount, cancellationToken));
    }

    /// <summary>
    /// Takes more permits for the same caller (a batch of N counts N: the middleware took one). Null when
    /// the request is not limited. A refused take changes nothing.
    /// </summary>
    public async ValueTask<WindowCount?> TakeMoreAsync(HttpContext context, int permits, CancellationToken cancellationToken)
    {
        if (Identify(context) is not { } client || permits <= 0)
        {
            return null;
        }
        var count = await TakeAsync(client, permits, cancellationToken);
        WriteHeaders(context, count);
        return count;
    }

    /// <summary>The limit that applies to this request's caller (null when unlimited).</summary>
    public int? LimitFor(HttpContext context) => Identify(context)?.Limit;

    private ValueTask<WindowCount> TakeAsync(Client client, int permits, CancellationToken cancellationToken) =>
        shared is not null
            ? shared.TakeAsync(client.Partition, permits, client.Limit, cancellationToken)
            : ValueTask.FromResult(local.Take(client.Partition, permits, client.Limit));

    private readonly record struct Client(string Partition, int Limit);

    private Client? Identify(HttpContext context)
    {
        if (!settings.Enabled || !context.Request.Path.StartsWithSegments("/api"))
        {
            return null;
        }
        if (context.GetPartner() is { } partner)
        {
            return new Client("p:" + partner.Id, partner.RequestsPerMinute);
        }
        return new Client("ip:" + ClientAddress(context.Connection.RemoteIpAddress), settings.AnonymousPerMinute);
    }

    /// <summary>The client's address after the forwarded-headers middleware (which believes only trusted proxies).</summary>
    internal static string ClientAddress(IPAddress? address)
    {
        if (address is null)
        {
            return "none";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return new IPAddress(bytes).ToString() + "/64";
        }
        return address.ToString();
    }

    private static RateLimitLease Finish(HttpContext context, WindowCount count)
    {
        WriteHeaders(context, count);
        return count.Acquired ? WindowLease.Free : new WindowLease(false, count.ResetAfter);
    }

    private static void WriteHeaders(HttpContext context, WindowCount count)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        if (count.Acquired && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            // A GET may be stored by the output cache, headers included, and one client's counts must not be replayed to
            // another: write them as the answer starts, after the output cache (registered later, so called earlier) has
            // taken its copy, so a stored answer never holds them and a served one gets this caller's.
            context.Response.OnStarting(static state =>
            {
                var (context, count) = ((HttpContext, WindowCount))state;
                SetHeaders(context, count);
                return Task.CompletedTask;
            }, (context, count));
            return;
        }
        SetHeaders(context, count);
    }

    /// <summary>
    /// RateLimit-Policy and RateLimit as structured fields (draft-ietf-httpapi-ratelimit-headers): the policy's name, quota
    /// and window, and what is left of it and when it resets. Retry-After on a refusal.
    /// </summary>
    private static void SetHeaders(HttpContext context, WindowCount count)
    {
        var headers = context.Response.Headers;
        var reset = Math.Max(1, (int)Math.Ceiling(count.ResetAfter.TotalSeconds));
        var policy = context.GetPartner() is null ? "anonymous" : "partner";
        headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";q={count.Limit};w={(int)RateLimitOptions.Window.TotalSeconds}");
        headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";r={count.Remaining};t={reset}");
        if (!count.Acquired)
        {
            headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly WindowLease Free = new(true, null);
        public static readonly WindowLease Deferred = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name && retryAfter is { } value)
            {
                metadata = value;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
