using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Observability;

/// <summary>How a verification reached the service: the <c>channel</c> tag of metrics and audit records.</summary>
public enum VerificationChannel
{
    /// <summary>POST /api/v1/verifications by anyone.</summary>
    Http,

    /// <summary>A scanned QR code (issue 5).</summary>
    Qr,

    /// <summary>A partner with an API key, single or batch (issue 6).</summary>
    Partner,

    /// <summary>Forwarded to or from a peer province (issue 6).</summary>
    Federation,
}

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
            "Verifications answered, by outcome (VALID, INVALID, NOT_FOUND, UNKNOWN, UNAVAILABLE) and channel (http, qr, partner, federation).");
        cacheLookups = meter.CreateCounter<long>("skillverify.cache.lookups", "{lookup}",
            "Record lookups on the verification path, by entity (certificate, organization) and result (hit, miss).");
        this.audit = audit;
    }

    public static string ChannelTag(VerificationChannel channel) => channel switch
    {
        VerificationChannel.Http => "http",
        VerificationChannel.Qr => "qr",
        VerificationChannel.Partner => "partner",
        VerificationChannel.Federation => "federation",
        _ => "other",
    };

    /// <summary>
    /// One verification answered (or failed with a data source down: <see cref="Unavailable"/>): counts it and
    /// writes its audit record. <paramref name="partner"/> is the partner's configured name, null for anonymous callers.
    /// </summary>
    public void Record(VerificationChannel channel, string outcome, string? partner = null)
    {
        var outcomeTag = outcome is "VALID" or "INVALID" or "NOT_FOUND" or "UNKNOWN" or Unavailable ? outcome : "OTHER";
        verifications.Add(1, new("channel", ChannelTag(channel)), new("outcome", outcomeTag));
        audit.Write(channel, partner, outcomeTag);
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
    /// <summary>
    /// Records every verification an endpoint answers (a <see cref="VerificationResponse"/> in a 200) or fails with a
    /// data source down, on <paramref name="channel"/>. Malformed requests (4xx) are not verifications and are not counted.
    /// </summary>
    public static TBuilder RecordsVerifications<TBuilder>(this TBuilder builder, VerificationChannel channel, Func<HttpContext, string?>? partner = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var metrics = context.HttpContext.RequestServices.GetRequiredService<VerificationMetrics>();
            object? result;
            try
            {
                result = await next(context);
            }
            catch (Exception ex) when (ex is DataSourceUnavailableException or System.Data.Common.DbException or TimeoutException)
            {
                metrics.Record(channel, VerificationMetrics.Unavailable, partner?.Invoke(context.HttpContext));
                throw;
            }
            var value = result is INestedHttpResult nested ? nested.Result : result;
            if (value is IValueHttpResult<VerificationResponse> { Value: { } response })
            {
                metrics.Record(channel, response.Outcome, partner?.Invoke(context.HttpContext));
            }
            return result;
        });
}
