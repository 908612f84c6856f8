using System.Diagnostics.Metrics;
using SkillVerify.Api.Infrastructure;

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
    /// <see cref="RateLimiting.BudgetDecision.Caller"/> (or <see cref="RateLimiting.HolderBindingBudget.CallerOf"/>);
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

public static class VerificationMetricsEndpoints
{
    /// <summary>What the handler is verifying, so a data source failing mid-way is still audited with it.</summary>
    private sealed class Subject(string caller, string? code)
    {
        public string Caller { get; } = caller;
        public string? Code { get; } = code;
    }

    /// <summary>Says, before verifying, who asks about which code (used only if the verification fails with a data source down).</summary>
    public static void SetVerificationSubject(this HttpContext context, string caller, string? code) => context.Features.Set(new Subject(caller, code));

    /// <summary>
    /// A verification that failed with a data source down (a 503) is still counted and audited, as <see cref="VerificationMetrics.Unavailable"/>,
    /// on <paramref name="channel"/>. Answers are recorded by the handlers themselves, one per code verified.
    /// </summary>
    public static TBuilder RecordsVerifications<TBuilder>(this TBuilder builder, string channel)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception ex) when (ex is DataSourceUnavailableException or System.Data.Common.DbException or TimeoutException)
            {
                var http = context.HttpContext;
                var subject = http.Features.Get<Subject>();
                http.RequestServices.GetRequiredService<VerificationMetrics>().Record(channel,
                    subject?.Caller ?? RateLimiting.HolderBindingBudget.CallerOf(http, RateLimiting.HolderProof.Details), VerificationMetrics.Unavailable, subject?.Code);
                throw;
            }
        });
}
