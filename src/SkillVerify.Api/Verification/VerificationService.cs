using System.Globalization;
using SkillVerify.Api.Observability;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>From a typed code (and optionally the holder's name and ID number) to a verification answer.</summary>
public sealed class VerificationService(CodeDecoder decoder, RecordCache records, HolderHasher hasher, VerificationMetrics metrics, AnswerMemo memo)
{
    public Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, Disclosure disclosure, CancellationToken cancellationToken) =>
        VerifyAsync(code, holderName, idNumber, disclosure, recordsHere: true, answeredBy: null, cancellationToken);

    /// <summary>The answer with <see cref="VerificationResponse.AnsweredBy"/> set (the HTTP and partner answers of this instance).</summary>
    public Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, Disclosure disclosure, AnsweredByDto answeredBy, CancellationToken cancellationToken) =>
        VerifyAsync(code, holderName, idNumber, disclosure, recordsHere: true, answeredBy, cancellationToken);

    /// <summary>
    /// The checks this instance can run for a code whose certificate records live elsewhere (another
    /// province with no peer configured): code rules and the issuer registry; the record checks are UNKNOWN.
    /// </summary>
    public Task<VerificationResponse> VerifyWithoutRecordAsync(string? code, string? holderName, string? idNumber, CancellationToken cancellationToken) =>
        VerifyAsync(code, holderName, idNumber, Disclosure.Anonymous, recordsHere: false, answeredBy: null, cancellationToken);

    /// <summary>The serialized bytes of an answer this service memoized, computed once; null for any other answer.</summary>
    public byte[]? Encoded(VerificationResponse response, Func<VerificationResponse, byte[]> encode) => memo.Encoded(response, encode);

    /// <summary>A rendering (the mobile page) of an answer this service memoized, made once per variant; null for any other answer.</summary>
    public byte[]? Rendered(VerificationResponse response, string variant, Func<byte[]> render) => memo.Rendered(response, variant, render);

    private async Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, Disclosure disclosure, bool recordsHere, AnsweredByDto? answeredBy,
        CancellationToken cancellationToken)
    {
        var decoded = decoder.Decode(code);
        var snapshot = await records.GetSnapshotAsync(cancellationToken);
        var holder = new HolderClaim(
            string.IsNullOrWhiteSpace(holderName) ? null : hasher.HashName(holderName),
            string.IsNullOrWhiteSpace(idNumber) ? null : hasher.HashIdNumber(idNumber));

        if (decoded.Code is not { } certificateCode)
        {
            var result = Verifier.Verify(new VerificationInput(decoded, null, LookupState.NotFound, null, LookupState.NotFound, holder, disclosure, decoder.Today, Rules: decoder.Settings));
            return ToResponse(result, null, snapshot, recordFromCache: false, issuerFromCache: false, answeredBy);
        }

        var issuer = await records.GetOrganizationAsync(certificateCode.OrganizationCode, cancellationToken);
        // A site's entitlement depends on its parent body's state (domain.md §3).
        var parent = issuer.Value?.ParentCode is { } parentCode ? await records.GetOrganizationAsync(parentCode, cancellationToken) : new Lookup<OrganizationRecord>(null, true);
        // The import refuses a certificate whose issuer is not on the registry (issuer.unknown), so with the
        // issuer not found there is no record to read: a flood of codes of unregistered issuers costs no
        // query. Counted and flagged as the issuer lookup was, so the answer is byte for byte the same.
        var record = !recordsHere ? default
            : issuer.Value is null ? new Lookup<CertificateRecord>(null, issuer.FromCache)
            : await records.GetCertificateAsync(certificateCode.Value, cancellationToken);
        if (recordsHere)
        {
            // Cache hit ratios come from the same two flags as freshness.fromCache.
            metrics.CacheLookups(record.FromCache, issuer.FromCache);
        }
        // An answer asked before, about a certificate whose records came from cache both times, is reused as it is.
        var key = new AnswerKey(certificateCode.Value, holder.NameHash, holder.IdHash, disclosure, recordsHere, answeredBy);
        var inputs = new AnswerInputs(issuer.Value, record.Value, snapshot, decoder.Today, issuer.FromCache, record.FromCache, parent.Value);
        var memoizable = recordsHere && record.Value is not null && record.FromCache && issuer.FromCache && parent.FromCache;
        if (memoizable && memo.Find(key, inputs) is { } known)
        {
            return known;
        }
        var verification = Verifier.Verify(new VerificationInput(
            decoded,
            issuer.Value, issuer.Value is null ? LookupState.NotFound : LookupState.Found,
            record.Value, !recordsHere ? LookupState.Unavailable : record.Value is null ? LookupState.NotFound : LookupState.Found,
            holder, disclosure, decoder.Today, parent.Value, decoder.Settings));
        var response = ToResponse(verification, issuer.Value, snapshot, record.FromCache, issuer.FromCache, answeredBy);
        if (memoizable)
        {
            memo.Remember(key, inputs, response);
        }
        return response;
    }

    private VerificationResponse ToResponse(VerificationResult result, OrganizationRecord? issuer, Data.RegistrySnapshot snapshot, bool recordFromCache, bool issuerFromCache, AnsweredByDto? answeredBy)
    {
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
