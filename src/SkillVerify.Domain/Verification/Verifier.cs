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
    Found,
    NotFound,
    Unavailable,
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
    OrganizationRecord? Issuer,
    LookupState IssuerState,
    CertificateRecord? Record,
    LookupState RecordState,
    HolderClaim Holder,
    Disclosure Disclosure,
    DateOnly Today,
    OrganizationRecord? Parent = null,
    CodeRuleSettings? Rules = null);

/// <summary>
/// The answer: an outcome from the checks, and the record only when the caller may see it.
/// <see cref="Record"/> is null whenever an unknown code and a real code with a wrong name must look alike.
/// <see cref="Standing"/> (and the date it holds since) is set exactly when the record is disclosed.
/// </summary>
public sealed record VerificationResult(Outcome Outcome, IReadOnlyList<CheckResult> Checks, CertificateRecord? Record, bool IdNumberMatched,
    Standing? Standing = null, DateOnly? StandingSince = null);

/// <summary>
/// The verification checks of domain.md §5, evaluated on the certificate's issue date. Pure: all
/// data comes in through <see cref="VerificationInput"/>.
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

    public static readonly IReadOnlyList<string> CheckNames =
        [Format, IssuerLevel, IssueYear, IssuerRegistry, IssuerStatus, IssuerScope, Record, Holder, Revocation, AppointmentTerm, Review];

    public static VerificationResult Verify(VerificationInput input)
    {
        var checks = new List<CheckResult>(CheckNames.Count);
        var parse = input.Decoded.Parse;
        var rules = input.Rules ?? CodeRuleSettings.Default;

        if (parse.Error is { } error)
        {
            // A code that does not parse is most often a typo: "check what you typed" (NOT_FOUND), never "fake".
            checks.Add(new CheckResult(Format, CheckStatus.Fail, error.Code, error.MessageZh, error.MessageEn) { NoMatch = true });
            AddRemaining(checks, CheckStatus.NotApplicable, "not_applicable.format", "编号无法解析，无法进行此项检查。", "The code could not be parsed, so this check cannot run.");
            return Finish(checks);
        }
        if (parse.Legacy is { } legacy)
        {
            AddCodeRuleCheck(checks, Format, input.Decoded.Violations, "format.legacy",
                $"旧版职业资格证书编号，鉴定机构代码 {legacy.AgencyCode}，等级 {legacy.Level.Name}。",
                $"An old vocational qualification certificate number: agency {legacy.AgencyCode}, level {legacy.Level.NameEn}.");
            checks.Add(NotApplicable(IssuerLevel, "legacy.not_applicable", "旧版证书不适用此项检查。", "This check does not apply to old qualification certificates."));
            AddCodeRuleCheck(checks, IssueYear, input.Decoded.Violations, "issue_year.ok",
                $"发证年份{input.Decoded.LegacyIssueYear}年合理。", $"The issue year {input.Decoded.LegacyIssueYear} is plausible.");
            AddRemaining(checks, CheckStatus.Unknown, "legacy.not_covered",
                "本服务不保存旧版职业资格证书数据，请到发证机构或全国职业资格证书查询系统核验。",
                "This service holds no data on old qualification certificates; verify with the issuing agency or the national qualification query service.");
            return Finish(checks);
        }

        var code = parse.Code!.Value;
        var level = code.Level;
        // The sentence does not repeat the code: answers for neighbouring codes must not differ by it.
        AddCodeRuleCheck(checks, Format, input.Decoded.Violations, "format.ok",
            "编号格式正确。", "The code is well formed.");
        AddCodeRuleCheck(checks, IssuerLevel, input.Decoded.Violations, "issuer_level.ok",
            $"{BodyTypeZh(code.BodyType)}可以颁发{level.Name}证书。", $"{BodyTypeEn(code.BodyType)} may issue {level.NameEn} certificates.");
        AddCodeRuleCheck(checks, IssueYear, input.Decoded.Violations, "issue_year.ok",
            $"发证年份{code.IssueYear}年合理。", $"The issue year {code.IssueYear} is plausible.");

        // Who may see the record: an authorized caller, or an anonymous one whose holder claim matched.
        // An ID number the record does not hold is "not compared", never a mismatch.
        var record = input.RecordState == LookupState.Found ? input.Record : null;
        var nameGiven = input.Holder.NameHash is not null;
        var idGiven = input.Holder.IdHash is not null;
        var idOnRecord = record?.IdHash is not null;
        var nameMatches = record is not null && nameGiven && HolderHasher.Matches(record.NameHash, input.Holder.NameHash);
        var idMatches = idOnRecord && idGiven && HolderHasher.Matches(record!.IdHash, input.Holder.IdHash);
        var holderMatches = nameMatches && (!idGiven || !idOnRecord || idMatches);
        var disclosed = record is not null && (input.Disclosure == Disclosure.Authorized ? (!nameGiven || holderMatches) : holderMatches);

        checks.Add(CheckRegistry(code, input.Issuer, input.IssuerState));
        checks.Add(disclosed
            ? CheckIssuerStatusOnDate(input.Issuer, input.Parent, input.IssuerState, record!.IssueDate, input.Today)
            : CheckIssuerStatusInYear(input.Issuer, input.Parent, input.IssuerState, code.IssueYear, input.Today));

        if (input.RecordState == LookupState.Unavailable)
        {
            AddRemaining(checks, CheckStatus.Unknown, "record.unavailable",
                "证书数据暂时无法访问，无法确定。", "Certificate data is unavailable right now; this could not be decided.");
            return Finish(checks);
        }

        if (!disclosed)
        {
            if (input.Disclosure == Disclosure.Anonymous && !nameGiven)
            {
                // A code alone never reveals whether a certificate exists (no existence oracle).
                checks.Add(Unknown(IssuerScope, "scope.holder_name_required", "需提供持证人姓名才能核对证书记录。", "The holder's name is needed to check the certificate record."));
                checks.Add(Unknown(Record, "record.holder_name_required", "需提供持证人姓名才能核对证书记录。", "The holder's name is needed to check the certificate record."));
                checks.Add(Unknown(Holder, "holder.name_required", "请提供持证人姓名以完成核验。", "Give the holder's name to complete the verification."));
                AddRemaining(checks, CheckStatus.Unknown, "status.holder_name_required", "需提供持证人姓名才能核对证书状态。", "The holder's name is needed to check the certificate's status.");
                return Finish(checks);
            }
            // An unknown code and a real code with a wrong name must give the same answer.
            checks.Add(NotApplicable(IssuerScope, "scope.no_match", "没有相符的证书记录，无法核对业务范围。", "No matching certificate record, so the scope cannot be checked."));
            checks.Add(NoMatchFail(Record, "record.no_match", "没有查到与该编号和持证人信息相符的证书，请核对编号和姓名。", "No certificate matches this code and these holder details; check the code and the name."));
            checks.Add(NoMatchFail(Holder, "holder.no_match", "持证人信息与证书不符或证书不存在。", "The holder details do not match a certificate with this code."));
            AddRemaining(checks, CheckStatus.NotApplicable, "status.no_match", "没有相符的证书记录。", "No matching certificate record.");
            return Finish(checks);
        }

        if (CheckIssueDate(record!, level, rules, input.Today) is { } dateProblem)
        {
            checks[2] = dateProblem;
        }
        checks.Add(CheckScope(input.Issuer, record!, input.IssuerState));
        checks.Add(CheckRecord(code, record!, level));
        checks.Add(CheckHolder(nameGiven, idGiven, idOnRecord, record!));
        checks.Add(CheckRevocation(record!));
        var (termCheck, standing, since) = CheckAppointmentTerm(record!, level, input.Today);
        checks.Add(termCheck);
        var review = CheckReview(record!, level);
        checks.Add(review);
        if (review.Status == CheckStatus.Unknown && record!.ReviewState == ReviewState.Pending)
        {
            standing = Verification.Standing.PendingReview;
            since = null;
        }
        // An INVALID certificate has no standing to speak of.
        var outcome = Decide(checks);
        return outcome == Outcome.Invalid
            ? new(outcome, checks, record, idMatches)
            : new(outcome, checks, record, idMatches, standing, since);
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

    private static VerificationResult Finish(List<CheckResult> checks) => new(Decide(checks), checks, null, false);

    private static void AddCodeRuleCheck(List<CheckResult> checks, string name, IReadOnlyList<CodeViolation> violations, string okCode, string okZh, string okEn)
    {
        foreach (var v in violations)
        {
            if (v.Check == name)
            {
                checks.Add(new(name, CheckStatus.Fail, v.Code, v.MessageZh, v.MessageEn));
                return;
            }
        }
        checks.Add(Pass(name, okCode, okZh, okEn));
    }

    private static void AddRemaining(List<CheckResult> checks, CheckStatus status, string code, string zh, string en)
    {
        for (var i = checks.Count; i < CheckNames.Count; i++)
        {
            checks.Add(new(CheckNames[i], status, code, zh, en));
        }
    }

    private static CheckResult CheckRegistry(CertificateCode code, OrganizationRecord? issuer, LookupState state)
    {
        if (state == LookupState.Unavailable)
        {
            return Unknown(IssuerRegistry, "issuer.unavailable", "评价机构目录暂时无法访问。", "The registry of assessment organizations is unavailable right now.");
        }
        if (issuer is null)
        {
            // No body with this code is registered, so no certificate can match it: most often a typo in positions 1–13.
            return NoMatchFail(IssuerRegistry, "issuer.not_found",
                $"评价机构目录中没有机构代码为 {code.OrganizationCode} 的机构，请核对编号第1–13位。", $"No body with organization code {code.OrganizationCode} is on the registry; check positions 1–13 of the code.");
        }
        if (issuer.Type != code.BodyType)
        {
            return Fail(IssuerRegistry, "issuer.type_mismatch",
                $"目录中该机构类型为{BodyTypeZh(issuer.Type)}，与编号不符。", $"The registry lists this body as {BodyTypeEn(issuer.Type).ToLowerInvariant()}, which does not agree with the code.");
        }
        if (!string.Equals(issuer.Province, code.ProvinceCode, StringComparison.Ordinal))
        {
            return Fail(IssuerRegistry, "issuer.province_mismatch",
                $"目录中该机构所在省份代码为 {issuer.Province}，与编号第6–7位 {code.ProvinceCode} 不符。", $"The registry places this body in province {issuer.Province}, not {code.ProvinceCode} as positions 6–7 say.");
        }
        return Pass(IssuerRegistry, "issuer.found", $"评价机构“{issuer.Name}”在目录中，类型和省份与编号一致。", $"The issuing body '{issuer.Name}' is on the registry; its type and province agree with the code.");
    }

    private static CheckResult? IssuerMissing(OrganizationRecord? issuer, LookupState state) => issuer is not null ? null
        : state == LookupState.Unavailable
            ? Unknown(IssuerStatus, "issuer.unavailable", "评价机构目录暂时无法访问。", "The registry is unavailable right now.")
            : NotApplicable(IssuerStatus, "issuer.not_found", "机构不在目录中。", "The body is not on the registry.");

    private static CheckResult CheckIssuerStatusOnDate(OrganizationRecord? issuer, OrganizationRecord? parent, LookupState state, DateOnly issueDate, DateOnly today)
    {
        if (IssuerMissing(issuer, state) is { } missing)
        {
            return missing;
        }
        var date = Iso(issueDate);
        var status = issuer!.StatusOn(issueDate);
        if (status != OrganizationStatus.Registered)
        {
            var reason = issuer.EventInForce(issueDate)?.Reason;
            return Fail(IssuerStatus, "issuer_status." + status,
                $"发证日 {date} 该机构{StatusZh(status)}{Because(reason)}，无权颁证。", $"On the issue date {date} the body was {StatusEn(status)}{BecauseEn(reason)} and could not issue certificates.");
        }
        if (issuer.ParentCode is { } parentCode)
        {
            // A site (评价站点) is entitled only while the body it belongs to is.
            if (parent is null)
            {
                return Unknown(IssuerStatus, "issuer_status.parent_not_found",
                    $"该机构是 {parentCode} 的评价站点，但目录中查不到上级机构，无法确定。", $"The body is a site of {parentCode}, which is not on the registry; this could not be decided.");
            }
            var parentStatus = parent.StatusOn(issueDate);
            if (parentStatus != OrganizationStatus.Registered)
            {
                var reason = parent.EventInForce(issueDate)?.Reason;
                return Fail(IssuerStatus, "issuer_status.parent_" + parentStatus,
                    $"发证日 {date} 该站点的上级机构“{parent.Name}”{StatusZh(parentStatus)}{Because(reason)}，站点无权颁证。",
                    $"On the issue date {date} the site's parent body '{parent.Name}' was {StatusEn(parentStatus)}{BecauseEn(reason)}, so the site could not issue certificates.");
            }
        }
        var now = issuer.CurrentStatus(today);
        if (now != OrganizationStatus.Registered)
        {
            return Pass(IssuerStatus, "issuer_status.ok_later_" + now,
                $"发证日 {date} 该机构处于备案状态；此后该机构{StatusLaterZh(now)}，不影响此前颁发的证书。",
                $"On the issue date {date} the body was registered; it has since been {StatusEn(now)}, which does not void earlier certificates.");
        }
        return Pass(IssuerStatus, "issuer_status.ok", $"发证日 {date} 该机构处于备案状态。", $"On the issue date {date} the body was registered.");
    }

    private static CheckResult CheckIssuerStatusInYear(OrganizationRecord? issuer, OrganizationRecord? parent, LookupState state, int year, DateOnly today)
    {
        if (IssuerMissing(issuer, state) is { } missing)
        {
            return missing;
        }
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 31);
        if (to > today) { to = today; }
        if (from > to)
        {
            return NotApplicable(IssuerStatus, "issuer_status.future_year", "发证年份在未来。", "The issue year is in the future.");
        }
        var coverage = issuer!.ActiveDuring(from, to);
        if (issuer.ParentCode is not null)
        {
            // A site counts only on the days its parent body is active too.
            var parentCoverage = parent?.ActiveDuring(from, to) ?? Coverage.Some;
            coverage = coverage == Coverage.None || parentCoverage == Coverage.None ? Coverage.None
                : coverage == Coverage.All && parentCoverage == Coverage.All ? Coverage.All : Coverage.Some;
        }
        return coverage switch
        {
            Coverage.All => Pass(IssuerStatus, "issuer_status.ok_year", $"该机构在{year}年全年处于备案状态。", $"The body was registered throughout {year}."),
            Coverage.None => Fail(IssuerStatus, "issuer_status.inactive_year", $"该机构在{year}年没有处于备案状态的时间，无权颁证。", $"The body was not registered at any time in {year} and could not issue certificates."),
            _ => Unknown(IssuerStatus, "issuer_status.date_needed", $"该机构在{year}年仅部分时间处于备案状态，需核对具体发证日期。", $"The body was registered for only part of {year}; the exact issue date is needed."),
        };
    }

    /// <summary>The record's issue date against the rules that need the day, not just the year: not after today (Beijing), not before the level existed.</summary>
    private static CheckResult? CheckIssueDate(CertificateRecord record, Level level, CodeRuleSettings rules, DateOnly today)
    {
        if (record.IssueDate > today)
        {
            return Fail(IssueYear, "issue_date.future", $"发证日期 {Iso(record.IssueDate)} 在今天（北京时间）之后。", $"The issue date {Iso(record.IssueDate)} is after today (Beijing time).");
        }
        if (rules.FirstDateOf(level) is { } first && record.IssueDate < first)
        {
            return Fail(IssueYear, "issue_date.level_too_early",
                $"{level.Name}自{Iso(first)}起才设立，发证日期 {Iso(record.IssueDate)} 早于此日。", $"The level {level.NameEn} exists only since {Iso(first)}; the issue date {Iso(record.IssueDate)} is earlier.");
        }
        return null;
    }

    private static CheckResult CheckScope(OrganizationRecord? issuer, CertificateRecord record, LookupState state)
    {
        if (issuer is null)
        {
            return state == LookupState.Unavailable
                ? Unknown(IssuerScope, "issuer.unavailable", "评价机构目录暂时无法访问。", "The registry is unavailable right now.")
                : NotApplicable(IssuerScope, "issuer.not_found", "机构不在目录中。", "The body is not on the registry.");
        }
        var level = ReferenceData.GetLevel(record.LevelCode);
        var what = record.WorkType is null ? $"{record.OccupationCode} {record.OccupationName}" : $"{record.OccupationCode} {record.OccupationName}（{record.WorkType}）";
        var whatEn = record.WorkType is null ? $"{record.OccupationCode} {record.OccupationName}" : $"{record.OccupationCode} {record.OccupationName} ({record.WorkType})";
        foreach (var scope in issuer.Scope)
        {
            if (scope.Covers(record.OccupationCode, record.WorkType, record.LevelCode, record.IssueDate))
            {
                return Pass(IssuerScope, "scope.ok",
                    $"发证日该机构可评价 {what} 的{level.Name}。", $"On the issue date the body could assess {whatEn} at level {level.NameEn}.");
            }
        }
        return Fail(IssuerScope, "scope.out_of_scope",
            $"发证日 {Iso(record.IssueDate)} 该机构的评价范围不含 {what} 的{level.Name}。",
            $"On the issue date {Iso(record.IssueDate)} the body's scope did not include {whatEn} at level {level.NameEn}.");
    }

    private static CheckResult CheckRecord(CertificateCode code, CertificateRecord record, Level level)
    {
        if (record.LevelCode != code.LevelCode || record.IssueDate.Year != code.IssueYear || !string.Equals(record.IssuerCode, code.OrganizationCode, StringComparison.Ordinal))
        {
            return Fail(Record, "record.inconsistent", "证书记录的等级、年份或发证机构与编号不一致。", "The certificate record's level, year or issuer does not agree with its code.");
        }
        if (!level.MayBeObtainedBy(record.ObtainedBy))
        {
            return Fail(Record, "record.obtained_by_mismatch",
                $"证书记录的取得方式“{record.ObtainedBy}”不适用于{level.Name}（应为{string.Join("、", level.ObtainedByAllowed)}）。",
                $"The record says the level was obtained by '{record.ObtainedBy}', which {level.NameEn} cannot be obtained by (allowed: {string.Join(", ", level.ObtainedByAllowed)}).");
        }
        return Pass(Record, "record.found", "证书记录存在，与编号一致。", "The certificate record exists and agrees with its code.");
    }

    /// <summary>Only reached when the holder claim matched (or none was needed): the record is disclosed.</summary>
    private static CheckResult CheckHolder(bool nameGiven, bool idGiven, bool idOnRecord, CertificateRecord record)
    {
        if (!nameGiven)
        {
            return NotApplicable(Holder, "holder.authorized", "凭证书二维码或合作方授权查看，未核对姓名。", "Access was authorized by the certificate's QR code or a partner key; no name was checked.");
        }
        if (idGiven && !idOnRecord)
        {
            return Pass(Holder, "holder.match_name_id_not_compared", "持证人姓名相符；证书记录中没有身份证件号码，未比对。", "The holder's name matches; the record holds no ID number, so it was not compared.");
        }
        return idGiven
            ? Pass(Holder, "holder.match_name_id", "持证人姓名和身份证件号码相符。", "The holder's name and ID number match.")
            : Pass(Holder, "holder.match_name", "持证人姓名相符。", "The holder's name matches.");
    }

    private static CheckResult CheckRevocation(CertificateRecord record)
    {
        if (record.Status == CertificateStatus.Revoked)
        {
            var on = record.RevokedOn is { } d ? Iso(d) : "—";
            return Fail(Revocation, "status.revoked",
                $"证书已于 {on} 撤销{Because(record.RevocationReason)}。", $"The certificate was revoked on {on}{BecauseEn(record.RevocationReason)}.");
        }
        return Pass(Revocation, "status.active", "证书未被撤销。", "The certificate has not been revoked.");
    }

    /// <summary>评聘 titles (T/S) have a term: after it the title is historical, before it not yet in force. Neither voids the certificate.</summary>
    private static (CheckResult Check, Standing Standing, DateOnly? Since) CheckAppointmentTerm(CertificateRecord record, Level level, DateOnly today)
    {
        if (!level.Appointment)
        {
            return (NotApplicable(AppointmentTerm, "term.not_appointment", $"{level.Name}不是聘任制岗位，无聘期。", $"{level.NameEn} is not an appointment; it has no term."),
                Verification.Standing.Current, null);
        }
        if (record.TermFrom is not { } from || record.TermTo is not { } to)
        {
            return (Unknown(AppointmentTerm, "term.missing", "证书记录缺少聘期，无法判断是否在聘。", "The record has no appointment term, so whether the title is current cannot be decided."),
                Verification.Standing.Current, null);
        }
        if (today > to)
        {
            var since = to.AddDays(1);
            return (Pass(AppointmentTerm, "term.historical",
                $"{level.Name}聘期 {Iso(from)} 至 {Iso(to)} 已届满，自 {Iso(since)} 起为历史称号；证书真实，不因聘期届满而无效。",
                $"The {level.NameEn} appointment ran from {Iso(from)} to {Iso(to)}; since {Iso(since)} the title is historical. The certificate is genuine; an ended term does not void it."),
                Verification.Standing.Historical, since);
        }
        if (today < from)
        {
            return (Pass(AppointmentTerm, "term.not_started",
                $"{level.Name}聘期自 {Iso(from)} 起，尚未生效。", $"The {level.NameEn} appointment starts on {Iso(from)}; it is not yet in force."),
                Verification.Standing.NotYetInForce, from);
        }
        return (Pass(AppointmentTerm, "term.current", $"{level.Name}聘期 {Iso(from)} 至 {Iso(to)}，现任。", $"The {level.NameEn} appointment runs from {Iso(from)} to {Iso(to)}; the title is current."),
            Verification.Standing.Current, null);
    }

    /// <summary>复核确认 concerns only titles above 高级技师: on any other level the review state does not apply.</summary>
    private static CheckResult CheckReview(CertificateRecord record, Level level)
    {
        if (!level.NeedsReviewState)
        {
            return NotApplicable(Review, "review.not_required", $"{level.Name}证书无需复核确认。", $"{level.NameEn} certificates need no review confirmation.");
        }
        return record.ReviewState switch
        {
            ReviewState.Confirmed => Pass(Review, "review.confirmed", "该称号已完成复核确认。", "The title has been confirmed on review (复核确认)."),
            ReviewState.Pending => Unknown(Review, "review.pending", "该称号待复核确认，暂无法确认。", "The title is awaiting review confirmation (复核确认); it cannot be confirmed yet."),
            ReviewState.Refused => Fail(Review, "review.refused", "该称号复核确认未通过。", "The title was refused on review (复核确认)."),
            _ => NotApplicable(Review, "review.not_required", "无需复核确认。", "No review confirmation is required."),
        };
    }

    private static CheckResult Pass(string name, string code, string zh, string en) => new(name, CheckStatus.Pass, code, zh, en);
    private static CheckResult Fail(string name, string code, string zh, string en) => new(name, CheckStatus.Fail, code, zh, en);
    private static CheckResult Unknown(string name, string code, string zh, string en) => new(name, CheckStatus.Unknown, code, zh, en);
    private static CheckResult NotApplicable(string name, string code, string zh, string en) => new(name, CheckStatus.NotApplicable, code, zh, en);
    private static CheckResult NoMatchFail(string name, string code, string zh, string en) => new(name, CheckStatus.Fail, code, zh, en) { NoMatch = true };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Because(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $"（原因：{reason}）";
    private static string BecauseEn(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $" (reason: {reason})";

    public static string BodyTypeZh(char type) => type == 'Y' ? "用人单位" : "社会培训评价组织";
    public static string BodyTypeEn(char type) => type == 'Y' ? "An employer" : "A social training and assessment organization";

    public static string StatusZh(string status) => status switch
    {
        OrganizationStatus.Registered => "处于备案状态",
        OrganizationStatus.Suspended => "被暂停",
        OrganizationStatus.Revoked => "被撤销备案",
        OrganizationStatus.Withdrawn => "已退出",
        "not_registered" => "尚未备案",
        _ => status,
    };

    /// <summary>The status after "此后该机构…": "已被暂停", "已退出" — never "已已退出".</summary>
    private static string StatusLaterZh(string status) => status switch
    {
        OrganizationStatus.Suspended => "已被暂停",
        OrganizationStatus.Revoked => "已被撤销备案",
        OrganizationStatus.Withdrawn => "已退出",
        _ => StatusZh(status),
    };

    public static string StatusEn(string status) => status switch
    {
        "not_registered" => "not yet registered",
        _ => status,
    };
}
