using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;

namespace SkillVerify.Domain.Verification;

public enum CheckStatus
{
    Pass,
    Fail,
    NotApplicable,
    Unknown,
}

/// <summary>The four outcomes of domain.md §5.</summary>
public enum Outcome
{
    /// <summary>有效: the certificate exists, matches the holder details given, and every check passed or did not apply.</summary>
    Valid,
    /// <summary>无效: it cannot be genuine, or it is void (revoked, issuer not entitled on the issue date, a refused 复核确认).</summary>
    Invalid,
    /// <summary>未查到相符的证书: no certificate matches this code and these holder details ("check what you typed", never "fake").</summary>
    NotFound,
    /// <summary>无法确认: the service cannot decide (a source down, a peer unreachable, a title awaiting 复核确认, a legacy code).</summary>
    Unknown,
}

/// <summary>Where a genuine certificate stands today; never turned into INVALID.</summary>
public enum Standing
{
    /// <summary>In force.</summary>
    Current,
    /// <summary>历史称号: a T/S appointment whose term has ended; the certificate stays genuine.</summary>
    Historical,
    /// <summary>尚未生效: a T/S appointment whose term has not begun.</summary>
    NotYetInForce,
    /// <summary>待复核确认: a title awaiting review confirmation (the outcome is UNKNOWN).</summary>
    PendingReview,
}

/// <summary>
/// One named check. <see cref="NoMatch"/> marks a failure that means "nothing matches this code and these
/// holder details" (NOT_FOUND) rather than "this certificate is void or cannot be genuine" (INVALID).
/// </summary>
public sealed record CheckResult(string Name, CheckStatus Status, string Code, string MessageZh, string MessageEn)
{
    public bool NoMatch { get; init; }
}

/// <summary>Whether a data source answered: the record or issuer may be missing, or the source may be down.</summary>
public enum LookupState
{
    NotFound,
    Found,
    Unavailable,
}

/// <summary>Why a lookup could not be answered.</summary>
public enum Unavailability
{
    /// <summary>This instance's data source did not answer.</summary>
    DataSource,

    /// <summary>The records are held by another province's instance, which this one is not connected to (跨区域互认).</summary>
    NoPeer,

    /// <summary>The records are held by a peer province's instance, which did not answer in time.</summary>
    PeerUnreachable,
}

/// <summary>What a lookup found: the value, nothing, or no answer (and why). The default is "not found".</summary>
public readonly record struct Lookup<T> where T : class
{
    private Lookup(LookupState state, T? value, Unavailability reason)
    {
        State = state;
        Value = value;
        Reason = reason;
    }

    public LookupState State { get; }

    /// <summary>Set exactly when <see cref="State"/> is <see cref="LookupState.Found"/>.</summary>
    public T? Value { get; }

    /// <summary>Why there is no answer, when <see cref="State"/> is <see cref="LookupState.Unavailable"/>.</summary>
    public Unavailability Reason { get; }

    public static Lookup<T> Found(T value) => new(LookupState.Found, value, default);

    public static Lookup<T> NotFound { get; } = new(LookupState.NotFound, null, default);

    public static Lookup<T> Unavailable(Unavailability reason) => new(LookupState.Unavailable, null, reason);

    /// <summary>Found when there is a value, not found otherwise.</summary>
    public static Lookup<T> Of(T? value) => value is null ? NotFound : Found(value);
}

/// <summary>
/// What the caller is entitled to see. Anonymous callers see a certificate only when the holder's
/// name they give matches; a QR token or a partner key authorizes the record without a name.
/// </summary>
public enum Disclosure
{
    Anonymous,
    Authorized,
}

/// <summary>Keyed hashes of what the caller claims about the holder (never the plaintext).</summary>
public sealed record HolderClaim(byte[]? NameHash, byte[]? IdHash)
{
    public static HolderClaim None { get; } = new(null, null);
}

/// <param name="Parent">The issuer's parent body when the issuer is a site (a registry entry with a parent): its state on the issue date applies to the site.</param>
/// <param name="Rules">The code rules (first dates of the levels); the default when null.</param>
public sealed record VerificationInput(
    DecodedCode Decoded,
    Lookup<OrganizationRecord> Issuer,
    Lookup<CertificateRecord> Record,
    HolderClaim Holder,
    Disclosure Disclosure,
    DateOnly Today,
    Lookup<OrganizationRecord> Parent = default,
    CodeRuleSettings? Rules = null);

/// <summary>
/// The answer: an outcome from the checks, and the record only when the caller may see it.
/// <see cref="Record"/> is null whenever an unknown code and a real code with a wrong name must look alike.
/// <see cref="Standing"/> (and the date it holds since) is set exactly when the record is disclosed.
/// </summary>
public sealed record VerificationResult(Outcome Outcome, IReadOnlyList<CheckResult> Checks, CertificateRecord? Record, bool IdNumberMatched,
    Standing? Standing = null, DateOnly? StandingSince = null);


/// <summary>
/// The verification checks of domain.md §5, evaluated on the certificate's issue date. Pure: all data comes in
/// through <see cref="VerificationInput"/>; every sentence comes from <c>Reference/checks.json</c> (<see cref="Sentences"/>).
/// </summary>
public static class Verifier
{
    public const string Format = "format";
    public const string IssuerLevel = "issuer_level";
    public const string IssueYear = "issue_year";
    public const string IssuerRegistry = "issuer_registry";
    public const string IssuerStatus = "issuer_status";
    public const string IssuerScope = "issuer_scope";
    public const string Record = "record";
    public const string Holder = "holder";
    public const string Revocation = "revocation";
    public const string AppointmentTerm = "appointment_term";
    public const string Review = "review";

    /// <summary>The checks in the order every answer lists them, whichever of them could run.</summary>
    public static readonly IReadOnlyList<string> CheckNames =
        [Format, IssuerLevel, IssueYear, IssuerRegistry, IssuerStatus, IssuerScope, Record, Holder, Revocation, AppointmentTerm, Review];

    public static VerificationResult Verify(VerificationInput input)
    {
        var checks = new CheckList();
        var parse = input.Decoded.Parse;
        var rules = input.Rules ?? CodeRuleSettings.Default;

        if (parse.Error is { } error)
        {
            // A code that does not parse is most often a typo: "check what you typed" (NOT_FOUND), never "fake".
            checks.Set(new CheckResult(Format, CheckStatus.Fail, error.Code, error.MessageZh, error.MessageEn) { NoMatch = true });
            checks.FillRest(CheckStatus.NotApplicable, "not_applicable.format");
            return Finish(checks);
        }
        if (parse.Legacy is { } legacy)
        {
            var legacyYear = new Arg("year", input.Decoded.LegacyIssueYear ?? 0);
            checks.Set(CodeRuleCheck(Format, input.Decoded.Violations, "format.legacy", new Arg("agency", legacy.AgencyCode), LevelArg(legacy.Level)));
            checks.Set(Say(IssuerLevel, CheckStatus.NotApplicable, "legacy.not_applicable"));
            checks.Set(CodeRuleCheck(IssueYear, input.Decoded.Violations, "issue_year.ok", legacyYear));
            checks.FillRest(CheckStatus.Unknown, "legacy.not_covered");
            return Finish(checks);
        }

        var code = parse.Code!.Value;
        var level = code.Level;
        var province = new Arg("province", code.ProvinceCode);
        if (input.Record is { State: LookupState.Unavailable, Reason: Unavailability.PeerUnreachable })
        {
            // The peer that holds the records did not answer: nothing is decided here, not even the code rules.
            checks.FillRest(CheckStatus.Unknown, "federation.peer_unavailable", province);
            return Finish(checks);
        }

        // 1–3: what the code alone says. The sentence does not repeat the code: answers for neighbouring codes must not differ by it.
        checks.Set(CodeRuleCheck(Format, input.Decoded.Violations, "format.ok"));
        checks.Set(CodeRuleCheck(IssuerLevel, input.Decoded.Violations, "issuer_level.ok", BodyType("bodyType", code.BodyType), LevelArg(level)));
        checks.Set(CodeRuleCheck(IssueYear, input.Decoded.Violations, "issue_year.ok", new Arg("year", code.IssueYear)));

        // Who may see the record: an authorized caller, or an anonymous one whose holder claim matched.
        // An ID number the record does not hold is "not compared", never a mismatch.
        var record = input.Record.Value;
        var nameGiven = input.Holder.NameHash is not null;
        var idGiven = input.Holder.IdHash is not null;
        var idOnRecord = record?.IdHash is not null;
        var nameMatches = record is not null && nameGiven && HolderHasher.Matches(record.NameHash, input.Holder.NameHash);
        var idMatches = idOnRecord && idGiven && HolderHasher.Matches(record!.IdHash, input.Holder.IdHash);
        var holderMatches = nameMatches && (!idGiven || !idOnRecord || idMatches);
        var disclosed = record is not null && (input.Disclosure == Disclosure.Authorized ? (!nameGiven || holderMatches) : holderMatches);

        // 4–5: the issuer on the registry, and its state on the issue date (in the issue year while the record is not disclosed).
        checks.Set(CheckRegistry(code, input.Issuer));
        checks.Set(disclosed
            ? CheckIssuerStatusOnDate(input.Issuer, input.Parent, record!.IssueDate, input.Today)
            : CheckIssuerStatusInYear(input.Issuer, input.Parent, code.IssueYear, input.Today));

        if (input.Record.State == LookupState.Unavailable)
        {
            checks.FillRest(CheckStatus.Unknown, input.Record.Reason == Unavailability.NoPeer ? "federation.no_peer" : "record.unavailable", province);
            return Finish(checks);
        }

        if (!disclosed)
        {
            if (input.Disclosure == Disclosure.Anonymous && !nameGiven)
            {
                // A code alone never reveals whether a certificate exists (no existence oracle).
                checks.Set(Say(IssuerScope, CheckStatus.Unknown, "scope.holder_name_required"));
                checks.Set(Say(Record, CheckStatus.Unknown, "record.holder_name_required"));
                checks.Set(Say(Holder, CheckStatus.Unknown, "holder.name_required"));
                checks.FillRest(CheckStatus.Unknown, "status.holder_name_required");
                return Finish(checks);
            }
            // An unknown code and a real code with a wrong name must give the same answer.
            checks.Set(Say(IssuerScope, CheckStatus.NotApplicable, "scope.no_match"));
            checks.Set(Say(Record, CheckStatus.Fail, "record.no_match") with { NoMatch = true });
            checks.Set(Say(Holder, CheckStatus.Fail, "holder.no_match") with { NoMatch = true });
            checks.FillRest(CheckStatus.NotApplicable, "status.no_match");
            return Finish(checks);
        }

        // 3 again, now with the day: 6–11 on the disclosed record.
        if (CheckIssueDate(record!, level, rules, input.Today) is { } dateProblem)
        {
            checks.Set(dateProblem);
        }
        checks.Set(CheckScope(input.Issuer, record!));
        checks.Set(CheckRecord(code, record!, level));
        checks.Set(CheckHolder(nameGiven, idGiven, idOnRecord));
        checks.Set(CheckRevocation(record!));
        var (termCheck, standing, since) = CheckAppointmentTerm(record!, level, input.Today);
        checks.Set(termCheck);
        var review = CheckReview(record!, level);
        checks.Set(review);
        if (review.Status == CheckStatus.Unknown && record!.ReviewState == ReviewState.Pending)
        {
            standing = Verification.Standing.PendingReview;
            since = null;
        }
        // An INVALID certificate has no standing to speak of.
        var list = checks.ToList();
        var outcome = Decide(list);
        return outcome == Outcome.Invalid
            ? new(outcome, list, record, idMatches)
            : new(outcome, list, record, idMatches, standing, since);
    }

    /// <summary>
    /// The outcome from the checks, in this order: any failure that voids the certificate → INVALID; a
    /// failure that means nothing matches → NOT_FOUND; any check that could not run → UNKNOWN (never VALID
    /// when a check could not run); otherwise VALID.
    /// </summary>
    public static Outcome Decide(IReadOnlyList<CheckResult> checks)
    {
        var noMatch = false;
        var unknown = false;
        foreach (var check in checks)
        {
            if (check.Status == CheckStatus.Fail)
            {
                if (!check.NoMatch)
                {
                    return Outcome.Invalid;
                }
                noMatch = true;
            }
            unknown |= check.Status == CheckStatus.Unknown;
        }
        return noMatch ? Outcome.NotFound : unknown ? Outcome.Unknown : Outcome.Valid;
    }

    /// <summary>One slot per check, in <see cref="CheckNames"/> order, whatever order the checks are set in.</summary>
    private sealed class CheckList
    {
        private readonly CheckResult?[] slots = new CheckResult?[CheckNames.Count];

        public void Set(CheckResult check)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                if (CheckNames[i] == check.Name)
                {
                    slots[i] = check;
                    return;
                }
            }
            throw new ArgumentException($"'{check.Name}' is not a check.", nameof(check));
        }

        /// <summary>Every check not set yet gets <paramref name="status"/> and the shared sentence <paramref name="key"/>.</summary>
        public void FillRest(CheckStatus status, string key, params ReadOnlySpan<Arg> args)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] ??= Sentences.Result(CheckNames[i], status, key, args);
            }
        }

        public CheckResult[] ToList() =>
            slots.Select((c, i) => c ?? throw new InvalidOperationException($"The check '{CheckNames[i]}' was not run.")).ToArray();
    }

    private static VerificationResult Finish(CheckList checks)
    {
        var list = checks.ToList();
        return new(Decide(list), list, null, false);
    }

    private static CheckResult Say(string check, CheckStatus status, string key, params ReadOnlySpan<Arg> args) => Sentences.Result(check, status, key, args);

    private static CheckResult CodeRuleCheck(string name, IReadOnlyList<CodeViolation> violations, string okKey, params ReadOnlySpan<Arg> args)
    {
        foreach (var v in violations)
        {
            if (v.Check == name)
            {
                return new(name, CheckStatus.Fail, v.Code, v.MessageZh, v.MessageEn);
            }
        }
        return Say(name, CheckStatus.Pass, okKey, args);
    }

    private static CheckResult CheckRegistry(CertificateCode code, Lookup<OrganizationRecord> lookup)
    {
        if (lookup.State == LookupState.Unavailable)
        {
            return Say(IssuerRegistry, CheckStatus.Unknown, "issuer.unavailable");
        }
        if (lookup.Value is not { } issuer)
        {
            // No body with this code is registered, so no certificate can match it: most often a typo in positions 1–13.
            return Say(IssuerRegistry, CheckStatus.Fail, "issuer.not_found", new Arg("organization", code.OrganizationCode)) with { NoMatch = true };
        }
        if (issuer.Type != code.BodyType)
        {
            return Say(IssuerRegistry, CheckStatus.Fail, "issuer.type_mismatch", BodyType("bodyType", issuer.Type, "registryBodyType"));
        }
        if (!string.Equals(issuer.Province, code.ProvinceCode, StringComparison.Ordinal))
        {
            return Say(IssuerRegistry, CheckStatus.Fail, "issuer.province_mismatch", new Arg("registryProvince", issuer.Province), new Arg("codeProvince", code.ProvinceCode));
        }
        return Say(IssuerRegistry, CheckStatus.Pass, "issuer.found", new Arg("issuer", issuer.Name));
    }

    private static CheckResult? IssuerMissing(string check, Lookup<OrganizationRecord> issuer) => issuer.State switch
    {
        LookupState.Found => null,
        LookupState.Unavailable => Say(check, CheckStatus.Unknown, "issuer.unavailable"),
        _ => Say(check, CheckStatus.NotApplicable, "issuer.not_found"),
    };

    private static CheckResult CheckIssuerStatusOnDate(Lookup<OrganizationRecord> issuerLookup, Lookup<OrganizationRecord> parentLookup, DateOnly issueDate, DateOnly today)
    {
        if (IssuerMissing(IssuerStatus, issuerLookup) is { } missing)
        {
            return missing;
        }
        var issuer = issuerLookup.Value!;
        var date = new Arg("date", Iso(issueDate));
        var status = issuer.StatusOn(issueDate);
        if (status != OrganizationStatus.Registered)
        {
            return Say(IssuerStatus, CheckStatus.Fail, "issuer_status." + status, date, Status("status", status), Because(issuer.EventInForce(issueDate)?.Reason));
        }
        if (issuer.ParentCode is { } parentCode)
        {
            // A site (评价站点) is entitled only while the body it belongs to is.
            if (parentLookup.Value is not { } parent)
            {
                return Say(IssuerStatus, CheckStatus.Unknown, "issuer_status.parent_not_found", new Arg("parent", parentCode));
            }
            var parentStatus = parent.StatusOn(issueDate);
            if (parentStatus != OrganizationStatus.Registered)
            {
                return Say(IssuerStatus, CheckStatus.Fail, "issuer_status.parent_" + parentStatus,
                    date, new Arg("parent", parent.Name), Status("status", parentStatus), Because(parent.EventInForce(issueDate)?.Reason));
            }
        }
        var now = issuer.CurrentStatus(today);
        return now != OrganizationStatus.Registered
            ? Say(IssuerStatus, CheckStatus.Pass, "issuer_status.ok_later_" + now, date, Status("status", now, "statusLater"))
            : Say(IssuerStatus, CheckStatus.Pass, "issuer_status.ok", date);
    }

    private static CheckResult CheckIssuerStatusInYear(Lookup<OrganizationRecord> issuerLookup, Lookup<OrganizationRecord> parentLookup, int year, DateOnly today)
    {
        if (IssuerMissing(IssuerStatus, issuerLookup) is { } missing)
        {
            return missing;
        }
        var issuer = issuerLookup.Value!;
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 31);
        if (to > today) { to = today; }
        if (from > to)
        {
            return Say(IssuerStatus, CheckStatus.NotApplicable, "issuer_status.future_year");
        }
        var coverage = issuer.ActiveDuring(from, to);
        if (issuer.ParentCode is not null)
        {
            // A site counts only on the days its parent body is active too.
            var parentCoverage = parentLookup.Value?.ActiveDuring(from, to) ?? Coverage.Some;
            coverage = coverage == Coverage.None || parentCoverage == Coverage.None ? Coverage.None
                : coverage == Coverage.All && parentCoverage == Coverage.All ? Coverage.All : Coverage.Some;
        }
        var inYear = new Arg("year", year);
        return coverage switch
        {
            Coverage.All => Say(IssuerStatus, CheckStatus.Pass, "issuer_status.ok_year", inYear),
            Coverage.None => Say(IssuerStatus, CheckStatus.Fail, "issuer_status.inactive_year", inYear),
            _ => Say(IssuerStatus, CheckStatus.Unknown, "issuer_status.date_needed", inYear),
        };
    }

    /// <summary>The record's issue date against the rules that need the day, not just the year: not after today (Beijing), not before the level existed.</summary>
    private static CheckResult? CheckIssueDate(CertificateRecord record, Level level, CodeRuleSettings rules, DateOnly today)
    {
        var issued = new Arg("issueDate", Iso(record.IssueDate));
        if (record.IssueDate > today)
        {
            return Say(IssueYear, CheckStatus.Fail, "issue_date.future", issued);
        }
        if (rules.FirstDateOf(level) is { } first && record.IssueDate < first)
        {
            return Say(IssueYear, CheckStatus.Fail, "issue_date.level_too_early", LevelArg(level), new Arg("first", Iso(first)), issued);
        }
        return null;
    }

    private static CheckResult CheckScope(Lookup<OrganizationRecord> issuerLookup, CertificateRecord record)
    {
        if (IssuerMissing(IssuerScope, issuerLookup) is { } missing)
        {
            return missing;
        }
        var level = LevelArg(ReferenceData.GetLevel(record.LevelCode));
        var occupation = Sentences.Term("occupation", record.WorkType is null ? "occupation" : "occupation.workType", null,
            new Arg("code", record.OccupationCode), new Arg("name", record.OccupationName), new Arg("workType", record.WorkType ?? ""));
        foreach (var scope in issuerLookup.Value!.Scope)
        {
            if (scope.Covers(record.OccupationCode, record.WorkType, record.LevelCode, record.IssueDate))
            {
                return Say(IssuerScope, CheckStatus.Pass, "scope.ok", occupation, level);
            }
        }
        return Say(IssuerScope, CheckStatus.Fail, "scope.out_of_scope", new Arg("issueDate", Iso(record.IssueDate)), occupation, level);
    }

    private static CheckResult CheckRecord(CertificateCode code, CertificateRecord record, Level level)
    {
        if (record.LevelCode != code.LevelCode || record.IssueDate.Year != code.IssueYear || !string.Equals(record.IssuerCode, code.OrganizationCode, StringComparison.Ordinal))
        {
            return Say(Record, CheckStatus.Fail, "record.inconsistent");
        }
        if (!level.MayBeObtainedBy(record.ObtainedBy))
        {
            var separator = Sentences.TermText("listSeparator");
            return Say(Record, CheckStatus.Fail, "record.obtained_by_mismatch", new Arg("obtainedBy", record.ObtainedBy), LevelArg(level),
                new Arg("allowed", string.Join(separator.Zh, level.ObtainedByAllowed), string.Join(separator.En, level.ObtainedByAllowed)));
        }
        return Say(Record, CheckStatus.Pass, "record.found");
    }

    /// <summary>Only reached when the holder claim matched (or none was needed): the record is disclosed.</summary>
    private static CheckResult CheckHolder(bool nameGiven, bool idGiven, bool idOnRecord) =>
        !nameGiven ? Say(Holder, CheckStatus.NotApplicable, "holder.authorized")
        : idGiven && !idOnRecord ? Say(Holder, CheckStatus.Pass, "holder.match_name_id_not_compared")
        : idGiven ? Say(Holder, CheckStatus.Pass, "holder.match_name_id")
        : Say(Holder, CheckStatus.Pass, "holder.match_name");

    private static CheckResult CheckRevocation(CertificateRecord record) =>
        record.Status == CertificateStatus.Revoked
            ? Say(Revocation, CheckStatus.Fail, "status.revoked", new Arg("on", record.RevokedOn is { } d ? Iso(d) : "—"), Because(record.RevocationReason))
            : Say(Revocation, CheckStatus.Pass, "status.active");

    /// <summary>评聘 titles (T/S) have a term: after it the title is historical, before it not yet in force. Neither voids the certificate.</summary>
    private static (CheckResult Check, Standing Standing, DateOnly? Since) CheckAppointmentTerm(CertificateRecord record, Level level, DateOnly today)
    {
        var name = LevelArg(level);
        if (!level.Appointment)
        {
            return (Say(AppointmentTerm, CheckStatus.NotApplicable, "term.not_appointment", name), Verification.Standing.Current, null);
        }
        if (record.TermFrom is not { } from || record.TermTo is not { } to)
        {
            return (Say(AppointmentTerm, CheckStatus.Unknown, "term.missing"), Verification.Standing.Current, null);
        }
        var term = (From: new Arg("from", Iso(from)), To: new Arg("to", Iso(to)));
        if (today > to)
        {
            var since = to.AddDays(1);
            return (Say(AppointmentTerm, CheckStatus.Pass, "term.historical", name, term.From, term.To, new Arg("since", Iso(since))), Verification.Standing.Historical, since);
        }
        if (today < from)
        {
            return (Say(AppointmentTerm, CheckStatus.Pass, "term.not_started", name, term.From), Verification.Standing.NotYetInForce, from);
        }
        return (Say(AppointmentTerm, CheckStatus.Pass, "term.current", name, term.From, term.To), Verification.Standing.Current, null);
    }

    /// <summary>复核确认 concerns only titles above 高级技师: on any other level the review state does not apply.</summary>
    private static CheckResult CheckReview(CertificateRecord record, Level level)
    {
        if (!level.NeedsReviewState)
        {
            return Say(Review, CheckStatus.NotApplicable, "review.not_required", LevelArg(level));
        }
        return record.ReviewState switch
        {
            ReviewState.Confirmed => Say(Review, CheckStatus.Pass, "review.confirmed"),
            ReviewState.Pending => Say(Review, CheckStatus.Unknown, "review.pending"),
            ReviewState.Refused => Say(Review, CheckStatus.Fail, "review.refused"),
            _ => Say(Review, CheckStatus.NotApplicable, "review.not_required#title"),
        };
    }

    private static Arg LevelArg(Level level) => new("level", level.Name, level.NameEn);

    private static Arg BodyType(string name, char type, string terms = "bodyType") => Sentences.Term(name, terms + (type == 'Y' ? ".Y" : ".S"));

    /// <summary>A registry status in words (<c>status.*</c> or <c>statusLater.*</c> terms); a status with no words is shown as it is.</summary>
    private static Arg Status(string name, string status, string terms = "status") => Sentences.Term(name, terms + "." + status, status);

    private static Arg Because(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? new Arg("because", "") : Sentences.Term("because", "because", null, new Arg("reason", reason));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string BodyTypeZh(char type) => Sentences.TermText(type == 'Y' ? "bodyType.Y" : "bodyType.S").Zh;
}
