using System.ComponentModel.DataAnnotations;
using SkillVerify.Data.Caching;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Settings under <c>Cache</c>. Redis itself is <c>ConnectionStrings:Redis</c> (<c>ConnectionStrings__Redis</c>):
/// without it the service caches in process only.
/// </summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";
    public const string RedisConnectionStringName = "Redis";

    /// <summary>The in-process (L1) record cache holds at most this many entries.</summary>
    [Range(100, 10_000_000, ErrorMessage = "Cache:MaxLocalEntries (Cache__MaxLocalEntries) must be from {1} to {2}.")]
    public int MaxLocalEntries { get; set; } = 30_000;

    /// <summary>An organization that is not found is remembered in process only (in the L1), this long.</summary>
    [Range(1, 3600, ErrorMessage = "Cache:NotFoundSeconds (Cache__NotFoundSeconds) must be from {1} to {2}.")]
    public int NotFoundSeconds { get; set; } = 30;

    /// <summary>
    /// Never-issued codes and unregistered issuers answered from memory, with no cache or database read
    /// (<see cref="KnownCodes"/>); false sends every miss to the cache and the database (the A/B in load-tests/).
    /// </summary>
    public bool CodeFilter { get; set; } = true;

    /// <summary>
    /// The registry's records answered from memory too (<see cref="KnownCodes"/>), so a verification reads at most its
    /// certificate through the cache; false reads registered organizations through the cache and the store again
    /// (unregistered codes are still ruled out while <see cref="CodeFilter"/> is on): the A/B in load-tests/.
    /// </summary>
    public bool RegistryInMemory { get; set; } = true;

    /// <summary>The code filter's false-positive rate at its capacity (the store's count at build time plus a quarter): 0.001 is 1.8 bytes a code.</summary>
    [Range(0.000001, 0.1, ErrorMessage = "Cache:CodeFilterFalsePositiveRate (Cache__CodeFilterFalsePositiveRate) must be from {1} to {2}.")]
    public double CodeFilterFalsePositiveRate { get; set; } = 0.001;

    /// <summary>Answers to repeated verifications kept ready (<see cref="Verification.AnswerMemo"/>), about 6 KB each; 0 turns it off.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Cache:AnswerMemoEntries (Cache__AnswerMemoEntries) must be from {1} to {2}.")]
    public int AnswerMemoEntries { get; set; } = 2048;

    /// <summary>How long an instance keeps a record in process: bounds staleness if an invalidation is lost while Redis is down.</summary>
    [Range(1, 86_400, ErrorMessage = "Cache:LocalSeconds (Cache__LocalSeconds) must be from {1} to {2}.")]
    public int LocalSeconds { get; set; } = 60;

    /// <summary>How long a record lives in Redis (L2); also how long one read before is served while the database is down (fail-safe).</summary>
    [Range(1, 86_400, ErrorMessage = "Cache:RecordSeconds (Cache__RecordSeconds) must be from {1} to {2}.")]
    public int RecordSeconds { get; set; } = 600;

    /// <summary>Prefix of every Redis key and of the backplane channel; instances that share data (and the CLI) share it.</summary>
    [Required, RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "Cache:KeyPrefix (Cache__KeyPrefix) must be 1–64 letters, digits or : _ . -")]
    public string KeyPrefix { get; set; } = CacheKeys.DefaultPrefix;

    /// <summary>Redis connect timeout.</summary>
    [Range(50, 30_000, ErrorMessage = "Cache:RedisConnectTimeoutMs (Cache__RedisConnectTimeoutMs) must be from {1} to {2}.")]
    public int RedisConnectTimeoutMs { get; set; } = 500;

    /// <summary>The longest a request waits on one Redis operation before treating it as a miss.</summary>
    [Range(20, 30_000, ErrorMessage = "Cache:RedisOperationTimeoutMs (Cache__RedisOperationTimeoutMs) must be from {1} to {2}.")]
    public int RedisOperationTimeoutMs { get; set; } = 250;

    /// <summary>After a failed or timed-out Redis call, Redis is bypassed for this long (FusionCache's circuit breaker).</summary>
    [Range(100, 60_000, ErrorMessage = "Cache:RedisBreakMs (Cache__RedisBreakMs) must be from {1} to {2}.")]
    public int RedisBreakMs { get; set; } = 1000;

    /// <summary>Public output-cache entries (decode, levels) are kept this long; registry responses <see cref="RegistryOutputSeconds"/>.</summary>
    [Range(1, 86_400, ErrorMessage = "Cache:StaticOutputSeconds (Cache__StaticOutputSeconds) must be from {1} to {2}.")]
    public int StaticOutputSeconds { get; set; } = 3600;

    [Range(1, 86_400, ErrorMessage = "Cache:RegistryOutputSeconds (Cache__RegistryOutputSeconds) must be from {1} to {2}.")]
    public int RegistryOutputSeconds { get; set; } = 60;

    /// <summary>Bytes of output-cache entries kept in process (decode, levels and registry answers).</summary>
    [Range(1024, long.MaxValue, ErrorMessage = "Cache:LocalOutputBytes (Cache__LocalOutputBytes) must be from {1} to {2}.")]
    public long LocalOutputBytes { get; set; } = 32L * 1024 * 1024;
}
