using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using SkillVerify.Api.Security;
using StackExchange.Redis;

namespace SkillVerify.Api.RateLimiting;

/// <summary>
/// The request limit every route group under /api requires (<c>RequireRateLimiting(ApiRateLimitPolicy.Name)</c>):
/// anonymous callers by client address (IPv6 by /64, which one client typically holds whole), partners by key with the
/// key's own quota. A key that does not authenticate counts as anonymous, so forged keys create no partition of their
/// own. Each partition is a <see cref="RequestWindow"/>; ASP.NET Core keeps them and drops the idle ones.
/// </summary>
public sealed class ApiRateLimitPolicy(IOptions<RateLimitOptions> options, RedisFallback fallback, IHttpContextAccessor http, IConnectionMultiplexer? redis = null)
    : IRateLimiterPolicy<string>
{
    public const string Name = "api";

    private readonly RateLimitOptions settings = options.Value;
    private int partitions;
    private long created;

    /// <summary>Client windows alive on this instance: bounded by the addresses and keys seen lately, never by the keys callers make up.</summary>
    public int Partitions => Volatile.Read(ref partitions);

    /// <summary>Client windows this instance has created since it started.</summary>
    public long PartitionsCreated => Interlocked.Read(ref created);

    /// <summary>The answer is <see cref="RateLimitExtensions"/>' OnRejected, the same for every policy.</summary>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (!settings.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("off");
        }
        var (policy, client, limit) = httpContext.GetPartner() is { } partner
            ? ("partner", "p:" + partner.Id, partner.RequestsPerMinute)
            : ("anonymous", "ip:" + ClientAddress(httpContext.Connection.RemoteIpAddress), settings.AnonymousPerMinute);
        // The limit is part of the key: a quota changed with the CLI starts a window of its own.
        return new RateLimitPartition<string>(client + ":" + limit, _ => Create(policy, client, limit));
    }

    private RequestWindow Create(string policy, string client, int limit)
    {
        Interlocked.Increment(ref partitions);
        Interlocked.Increment(ref created);
        var shared = redis is null ? null : new RedisFixedWindowRateLimiter<string>(settings.RedisKeyPrefix + client, new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = limit,
            Window = RateLimitOptions.Window,
        });
        return new RequestWindow(policy, limit, shared, fallback, http, () => Interlocked.Decrement(ref partitions));
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
}
