using System.Globalization;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Observability;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>
/// From a typed code (and optionally the holder's name and ID number) to a verification answer. <see cref="AnswerAsync"/>
/// is the one place that decides where a code is answered (跨区域互认, domain.md §7): codes of this instance's province(s)
/// here; codes of a peer province by that province's instance (<see cref="PeerClient"/>); codes of any other province by
/// the registry checks here, with the record checks UNKNOWN. Without <c>Federation:LocalProvince</c> everything is answered
/// here. <see cref="VerifyAsync"/> always answers here (the pages, scans and credentials of this instance's own certificates).
/// </summary>
public sealed class VerificationService(CodeDecoder decoder, RecordCache records, HolderHasher hasher, VerificationMetrics metrics, AnswerMemo memo,
    PeerClient peers, IOptions<FederationOptions> federation)
{
    private readonly FederationOptions settings = federation.Value;

    /// <summary>The HTTP and partner answers: local, forwarded to the peer, or registry checks only; <see cref="VerificationResponse.AnsweredBy"/> says which.</summary>
    /// <param name="forwarded">The request came from a peer: answer from this instance's data, never forward again.</param>
    public async Task<VerificationResponse> AnswerAsync(string? code, string? holderName, string? idNumber, bool forwarded, CancellationToken cancellationToken)
    {
        var province = settings.Enabled ? decoder.Decode(code).Code?.ProvinceCode : null;
        if (province is null || settings.LocalProvinces.Contains(province))
        {
            var here = By("local", province ?? (settings.LocalProvinces is [var first, ..] ? first : null));
            return await VerifyAsync(code, holderName, idNumber, Disclosure.Anonymous, recordsElsewhere: null, here, cancellationToken);
        }
        if (!forwarded && settings.Peers.TryGetValue(province, out var peer))
        {
            // The canonical code goes to the peer; the caller's disclosure level is kept (the peer sees this
            // instance as a partner, and partners see no more than a name-holding caller would).
            var canonical = decoder.Decode(code).Code!.Value.Value;
            var answer = await peers.ForwardAsync(province, peer, new VerificationRequest(canonical, holderName, idNumber), cancellationToken);
            return answer is not null
                ? answer with { AnsweredBy = By("peer", province) }
                : await VerifyAsync(code, holderName, idNumber, Disclosure.Anonymous, Unavailability.PeerUnreachable, By("peer_unavailable", province), cancellationToken);
        }
        return await VerifyAsync(code, holderName, idNumber, Disclosure.Anonymous, Unavailability.NoPeer, By("no_peer", province), cancellationToken);
    }

    /// <summary>The serialized bytes of an answer this service memoized (<see cref="AnswerMemo"/>), made once; null for any other answer.</summary>
    public byte[]? Encoded(VerificationResponse response, Func<VerificationResponse, byte[]> encode) => memo.Encoded(response, encode);

    /// <summary>This instance's answer from its own data (no <see cref="VerificationResponse.AnsweredBy"/>).</summary>
    public Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, Disclosure disclosure, CancellationToken cancellationToken) =>
        VerifyAsync(code, holderName, idNumber, disclosure, recordsElsewhere: null, answeredBy: null, cancellationToken);

    private async Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, Disclosure disclosure, Unavailability? recordsElsewhere,
        AnsweredByDto? answeredBy, CancellationToken cancellationToken)
    {
        var decoded = decoder.Decode(code);
        var snapshot = await records.GetSnapshotAsync(cancellationToken);
        var holder = new HolderClaim(
            string.IsNullOrWhiteSpace(holderName) ? null : hasher.HashName(holderName),
            string.IsNullOrWhiteSpace(idNumber) ? null : hasher.HashIdNumber(idNumber));
        if (decoded.Code is not { } certificateCode)
        {
            return Check(new VerificationInput(decoded, default, default, holder, disclosure, decoder.Today, Rules: decoder.Settings), null, snapshot, false, false, answeredBy);
        }
        if (recordsElsewhere == Unavailability.PeerUnreachable)
        {
            // The checks say so themselves (every check UNKNOWN): nothing is read here.
            return Check(new VerificationInput(decoded, default, Lookup<CertificateRecord>.Unavailable(Unavailability.PeerUnreachable), holder, disclosure, decoder.Today,
                Rules: decoder.Settings), null, snapshot, false, false, answeredBy);
        }

        // The issuer and its parent body (when it is a site) from the in-memory registry (KnownCodes), the certificate through
        // the record cache (a never-issued code ruled out in memory first), then the store behind it: one Redis read at most.
        // Until the registry is built, or while an invalidation may have been missed, the issuer goes through the cache too.
        var issuer = await records.GetOrganizationAsync(certificateCode.OrganizationCode, cancellationToken);
        // A site's entitlement depends on its parent body's state (domain.md §3).
        var parent = issuer.Value?.ParentCode is { } parentCode ? await records.GetOrganizationAsync(parentCode, cancellationToken) : new Cached<OrganizationRecord>(null, true);
        // The import refuses a certificate whose issuer is not on the registry (issuer.unknown), so with the
        // issuer not found there is no record to read: a flood of codes of unregistered issuers costs no
        // query. Counted and flagged as the issuer lookup was, so the answer is byte for byte the same.
        var record = recordsElsewhere is not null ? default
            : issuer.Value is null ? new Cached<CertificateRecord>(null, issuer.FromCache)
            : await records.GetCertificateAsync(certificateCode.Value, cancellationToken);
        if (recordsElsewhere is null)
        {
            // Cache hit ratios come from the same two flags as freshness.fromCache.
            metrics.CacheLookups(record.FromCache, issuer.FromCache);
        }

        // A question asked before, about a certificate whose records came from cache both times, gets the answer it got then.
        var memoizable = recordsElsewhere is null && record.Value is not null && record.FromCache && issuer.FromCache && parent.FromCache;
        var key = new AnswerKey(certificateCode.Value, holder.NameHash, holder.IdHash, disclosure, answeredBy);
        var inputs = new AnswerInputs(issuer.Value, parent.Value, record.Value, snapshot, decoder.Today);
        if (memoizable && memo.Find(key, inputs) is { } known)
        {
            return known;
        }

        // The domain checks, in their order, then the answer.
        var input = new VerificationInput(decoded, issuer.Lookup, recordsElsewhere is { } elsewhere ? Lookup<CertificateRecord>.Unavailable(elsewhere) : record.Lookup,
            holder, disclosure, decoder.Today, parent.Lookup, decoder.Settings);
        var response = Check(input, issuer.Value, snapshot, record.FromCache, issuer.FromCache, answeredBy);
        if (memoizable)
        {
            memo.Remember(key, inputs, response);
        }
        return response;
    }

    private static AnsweredByDto By(string source, string? province) =>
        new(source, province, province is null ? null : ReferenceData.FindProvince(province)?.Name);

    /// <summary>The checks on what was found, and the answer they make.</summary>
    private VerificationResponse Check(VerificationInput input, OrganizationRecord? issuer, Data.RegistrySnapshot snapshot, bool recordFromCache, bool issuerFromCache, AnsweredByDto? answeredBy)
    {
        var result = Verifier.Verify(input);
        var checks = new CheckDto[result.Checks.Count];
        for (var i = 0; i < checks.Length; i++)
        {
            var c = result.Checks[i];
            checks[i] = new CheckDto(c.Name, StatusName(c.Status), c.Code, c.MessageZh, c.MessageEn);
        }
        var record = result.Record;
        // When nothing is disclosed, freshness speaks only of the registry, so an unknown code and a
        // real code with a wrong name cannot be told apart by it.
        var freshness = new FreshnessDto(snapshot.Version, snapshot.UpdatedAt, record?.UpdatedAt,
            record is null ? issuerFromCache : issuerFromCache && recordFromCache);
        return new VerificationResponse(OutcomeName(result.Outcome), checks, record is null ? null : ToDto(record, issuer, result.IdNumberMatched, result.Standing, result.StandingSince), freshness, answeredBy);
    }

    private CertificateDto ToDto(CertificateRecord r, OrganizationRecord? issuer, bool idMatched, Standing? standing, DateOnly? standingSince)
    {
        var level = ReferenceData.GetLevel(r.LevelCode);
        var today = decoder.Today;
        return new CertificateDto(
            r.Code,
            new LevelRef(level.Code, level.Name, level.NameEn),
            new OccupationDto(r.OccupationCode, r.OccupationName, r.WorkType),
            Iso(r.IssueDate),
            new IssuerDto(r.IssuerCode, issuer?.Name, issuer?.CurrentStatus(today), "/api/v1/organizations/" + r.IssuerCode),
            r.Status,
            r.RevokedOn is { } revoked ? Iso(revoked) : null,
            r.RevocationReason,
            r.ObtainedBy,
            r.TermFrom is { } from && r.TermTo is { } to ? new AppointmentTermDto(Iso(from), Iso(to), from <= today && today <= to) : null,
            r.ReviewState,
            r.NameMasked,
            idMatched ? r.IdMasked : null,
            standing is null ? null : StandingName(standing.Value),
            standingSince is { } since ? Iso(since) : null);
    }

    public static string StandingName(Standing standing) => standing switch
    {
        Standing.Current => "current",
        Standing.Historical => "historical",
        Standing.NotYetInForce => "not_yet_in_force",
        _ => "pending_review",
    };

    public static string StatusName(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Fail => "fail",
        CheckStatus.NotApplicable => "not_applicable",
        _ => "unknown",
    };

    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        Outcome.Valid => "VALID",
        Outcome.Invalid => "INVALID",
        Outcome.NotFound => "NOT_FOUND",
        _ => "UNKNOWN",
    };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
