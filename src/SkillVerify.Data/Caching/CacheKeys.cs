namespace SkillVerify.Data.Caching;

/// <summary>
/// The cache's key names, shared by the API (which caches records under them) and every writer (which
/// evicts them). Keys are built from a validated, normalized code, never from raw input.
/// </summary>
public static class CacheKeys
{
    /// <summary>The default prefix of every Redis key and of the invalidation channel (<c>Cache:KeyPrefix</c>).</summary>
    public const string DefaultPrefix = "skillverify:";

    public const string Snapshot = "registry:snapshot";

    public static string Certificate(string code) => "cert:" + code;

    public static string Organization(string organizationCode) => "org:" + organizationCode;

    /// <summary>The pub/sub channel every instance listens on for invalidations.</summary>
    public static string Channel(string prefix) => prefix + "invalidations";

    /// <summary>Where the distributed (L2) copy of a record lives in Redis.</summary>
    public static string RedisKey(string prefix, string key) => prefix + key;
}
