using System.Diagnostics.Metrics;

namespace SkillVerify.Api.Observability;

/// <summary>
/// Counts verifications by outcome and channel, and cache lookups by hit or miss, on the
/// <c>SkillVerify</c> meter (exported at /metrics). Every verification also leaves one audit record
/// (<see cref="VerificationAudit"/>): call <see cref="Record"/> once per verified code, whatever the channel.
/// Tags carry only fixed vocabularies: never a code, a name or a partner-chosen string.
/// </summary>
public sealed class VerificationMetrics
{
    public const string MeterName = "SkillVerify";

    /// <summary>Outcome tag for a verification that could not be answered because a data source was down (a 503).</summary>
    public const string Unavailable = "UNAVAILABLE";

    private readonly Counter<long> verifications;
    private readonly Counter<long> cacheLookups;
    private readonly VerificationAudit audit;

    public VerificationMetrics(IMeterFactory meters, VerificationAudit audit)
    {
        var meter = meters.Create(MeterName);
        verifications = meter.CreateCounter<long>("skillverify.verifications", "{verification}",
            "Verifications answered, by outcome (VALID, INVALID, NOT_FOUND, UNKNOWN, UNAVAILABLE) and channel (api, batch, scan, page, web, spreadsheet, federation).");
        cacheLookups = meter.CreateCounter<long>("skillverify.cache.lookups", "{lookup}",
            "Record lookups on the verification path, by entity (certificate, organization) and result (hit, miss).");
        this.audit = audit;
    }

    /// <summary>
    /// One verification answered (or failed with a data source down: <see cref="Unavailable"/>) on <paramref name="channel"/>
    /// (one of <see cref="VerificationChannels"/>): counts it and writes its audit record. <paramref name="caller"/> is
    /// who asked, as the holder-check budget names it (<c>anonymous</c>, <c>token</c> or <c>partner:{key id}</c>);
    /// <paramref name="code"/> what was asked, masked in the record.
    /// </summary>
    public void Record(string channel, string caller, string outcome, string? code)
    {
        var outcomeTag = outcome is "VALID" or "INVALID" or "NOT_FOUND" or "UNKNOWN" or Unavailable ? outcome : "OTHER";
        verifications.Add(1, new("channel", VerificationChannels.Tag(channel)), new("outcome", outcomeTag));
        audit.Write(channel, caller, outcomeTag, code);
    }

    /// <summary>Whether the certificate and issuer records of one verification came from cache (the <c>freshness.fromCache</c> inputs).</summary>
    public void CacheLookups(bool certificateFromCache, bool organizationFromCache)
    {
        cacheLookups.Add(1, new("entity", "certificate"), new("result", certificateFromCache ? "hit" : "miss"));
        cacheLookups.Add(1, new("entity", "organization"), new("result", organizationFromCache ? "hit" : "miss"));
    }
}
