namespace SkillVerify.Data.Caching;

/// <summary>
/// The cache's key names, shared by the API (which caches records under them) and every writer (which
/// evicts them). Keys are built from a validated, normalized code, never from raw input.
/// </summary>
public static class CacheKeys
{
    /// <summary>The default prefix of every Redis key and of the backplane channel (<c>Cache:KeyPrefix</c>).</summary>
    public const string DefaultPrefix = "skillverify:";

    public const string Snapshot = "registry:snapshot";

    public static string Certificate(string code) => "cert:" + code;

    public static string Organization(string organizationCode) => "org:" + organizationCode;
}
