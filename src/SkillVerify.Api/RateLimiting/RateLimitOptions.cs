namespace SkillVerify.Api.RateLimiting;

/// <summary>Settings under <c>RateLimiting</c>. Limits count requests per client in fixed one-minute windows.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Off only for benchmarks; a public service keeps it on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requests per minute for each anonymous client address. 120 lets a person or an HR office behind one
    /// NAT check two certificates a second; bulk checking is what partner keys (with their own quotas) are for.
    /// </summary>
    public int AnonymousPerMinute { get; set; } = 120;

    /// <summary>
    /// Holder checks (a name, an ID number or a QR token tested against a certificate) per minute for each
    /// anonymous client address, on every channel together: API, mobile page, scans, pages. Partners get their
    /// key's quota. 30 a minute is more than a person types; bulk checking is what partner keys are for.
    /// </summary>
    public int HolderChecksPerMinute { get; set; } = 30;

    /// <summary>
    /// Failed anonymous holder checks (a name that does not match, or a code with no record) per certificate code
    /// in <see cref="FailedChecksWindowMinutes"/>, from all addresses together. Past it, checks by name on that code
    /// are refused until the window ends; the QR token and partner keys still verify it, so a stranger cannot lock
    /// the holder out.
    /// </summary>
    public int FailedChecksPerCertificate { get; set; } = 10;

    public int FailedChecksWindowMinutes { get; set; } = 60;

    public TimeSpan FailedChecksWindow => TimeSpan.FromMinutes(FailedChecksWindowMinutes);

    /// <summary>How long a request waits for Redis before it is counted on this instance alone.</summary>
    public int RedisTimeoutMilliseconds { get; set; } = 250;

    /// <summary>After Redis fails, limits stay per instance this long before Redis is tried again.</summary>
    public int RedisRetrySeconds { get; set; } = 5;

    /// <summary>Prefix of the Redis counter keys (instances that share limits share it).</summary>
    public string RedisKeyPrefix { get; set; } = "skillverify:rl:";

    public IEnumerable<string> Validate()
    {
        if (AnonymousPerMinute is < 1 or > 1_000_000)
        {
            yield return "RateLimiting:AnonymousPerMinute (RateLimiting__AnonymousPerMinute) must be from 1 to 1000000.";
        }
        if (HolderChecksPerMinute is < 1 or > 1_000_000)
        {
            yield return "RateLimiting:HolderChecksPerMinute (RateLimiting__HolderChecksPerMinute) must be from 1 to 1000000.";
        }
        if (FailedChecksPerCertificate is < 1 or > 1_000_000)
        {
            yield return "RateLimiting:FailedChecksPerCertificate (RateLimiting__FailedChecksPerCertificate) must be from 1 to 1000000.";
        }
        if (FailedChecksWindowMinutes is < 1 or > 7 * 24 * 60)
        {
            yield return "RateLimiting:FailedChecksWindowMinutes (RateLimiting__FailedChecksWindowMinutes) must be from 1 to 10080 (a week).";
        }
        if (RedisTimeoutMilliseconds is < 10 or > 5_000)
        {
            yield return "RateLimiting:RedisTimeoutMilliseconds must be from 10 to 5000.";
        }
        if (RedisRetrySeconds is < 1 or > 300)
        {
            yield return "RateLimiting:RedisRetrySeconds must be from 1 to 300.";
        }
        if (string.IsNullOrWhiteSpace(RedisKeyPrefix))
        {
            yield return "RateLimiting:RedisKeyPrefix must not be empty.";
        }
    }
}
