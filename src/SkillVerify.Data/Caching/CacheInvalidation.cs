namespace SkillVerify.Data.Caching;

/// <summary>
/// What a write changed: some certificates, some organizations (with the registry snapshot), or everything.
/// </summary>
public sealed record CacheInvalidation(IReadOnlyList<string> CertificateCodes, IReadOnlyList<string> OrganizationCodes, bool Everything = false)
{
    public static CacheInvalidation All { get; } = new([], [], true);

    public static CacheInvalidation ForCertificates(params IEnumerable<string> codes) => new(codes.ToList(), []);

    public static CacheInvalidation ForOrganizations(params IEnumerable<string> organizationCodes) => new([], organizationCodes.ToList());

    /// <summary>The record cache keys this invalidation evicts (empty for <see cref="Everything"/>, which evicts all).</summary>
    public IEnumerable<string> Keys()
    {
        foreach (var code in CertificateCodes)
        {
            yield return CacheKeys.Certificate(code);
        }
        foreach (var code in OrganizationCodes)
        {
            yield return CacheKeys.Organization(code);
        }
        if (OrganizationCodes.Count > 0)
        {
            yield return CacheKeys.Snapshot;
        }
    }
}
