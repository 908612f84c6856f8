namespace SkillVerify.Data.Caching;

/// <summary>
/// What a write changed: some certificates, some organizations (with the registry snapshot), or everything.
/// Travels on the Redis channel as one key per line (<c>cert:CODE</c>, <c>org:CODE</c>, or <c>*</c>).
/// </summary>
public sealed record CacheInvalidation(IReadOnlyList<string> CertificateCodes, IReadOnlyList<string> OrganizationCodes, bool Everything = false)
{
    public const string EverythingLine = "*";

    public static CacheInvalidation All { get; } = new([], [], true);

    public static CacheInvalidation ForCertificates(params IEnumerable<string> codes) => new(codes.ToList(), []);

    public static CacheInvalidation ForOrganizations(params IEnumerable<string> organizationCodes) => new([], organizationCodes.ToList());

    public bool IsEmpty => !Everything && CertificateCodes.Count == 0 && OrganizationCodes.Count == 0;

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

    public string ToMessage() => Everything
        ? EverythingLine
        : string.Join('\n', CertificateCodes.Select(CacheKeys.Certificate).Concat(OrganizationCodes.Select(CacheKeys.Organization)));

    /// <summary>Reads a channel message; lines it does not know are ignored (a newer writer may send more kinds).</summary>
    public static CacheInvalidation Parse(string message)
    {
        List<string> certificates = [];
        List<string> organizations = [];
        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line == EverythingLine)
            {
                return All;
            }
            if (line.StartsWith("cert:", StringComparison.Ordinal) && line.Length <= 80)
            {
                certificates.Add(line["cert:".Length..]);
            }
            else if (line.StartsWith("org:", StringComparison.Ordinal) && line.Length <= 80)
            {
                organizations.Add(line["org:".Length..]);
            }
        }
        return new CacheInvalidation(certificates, organizations);
    }
}
