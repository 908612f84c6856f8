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

public enum Outcome
{
    Valid,
    Invalid,
    Unknown,
}

public sealed record CheckResult(string Name, CheckStatus Status, string Code, string MessageZh, string MessageEn);

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

public sealed record VerificationInput(
    DecodedCode Decoded,
    OrganizationRecord? Issuer,
    LookupState IssuerState,
    CertificateRecord? Record,
    LookupState RecordState,
    HolderClaim Holder,
    Disclosure Disclosure,
    DateOnly Today);

/// <summary>
/// The answer: an outcome from the checks, and the record only when the caller may see it.
/// <see cref="Record"/> is null whenever an unknown code and a real code with a wrong name must look alike.
/// </summary>
public sealed record VerificationResult(Outcome Outcome, IReadOnlyList<CheckResult> Checks, CertificateRecord? Record, bool IdNumberMatched);

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

        if (parse.Error is { } error)
        {
            checks.Add(new(Format, CheckStatus.Fail, error.Code, error.MessageZh, error.MessageEn));
            AddRemaining(checks, CheckStatus.NotApplicable, "not_applicable.format", "编号无法解析，无法进行此项检查。", "The code could not be parsed, so this check cannot run.");
            return Finish(checks, null, false);
        }
        if (parse.Legacy is { } legacy)
        {
            checks.Add(Pass(Format, "format.legacy",
                $"旧版职业资格证书编号，鉴定机构代码 {legacy.AgencyCode}，等级 {legacy.Level.Name}。",
                $"An old vocational qualification certificate number: agency {legacy.AgencyCode}, level {legacy.Level.NameEn}."));
            AddRemaining(checks, CheckStatus.Unknown, "legacy.not_covered",
                "本服务不保存旧版职业资格证书数据，请到发证机构或全国职业资格证书查询系统核验。",
                "This service holds no data on old qualification certificates; verify with the issuing agency or the national qualification query service.");
            return Finish(checks, null, false);
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
        var record = input.RecordState == LookupState.Found ? input.Record : null;
        var nameGiven = input.Holder.NameHash is not null;
        var idGiven = input.Holder.IdHash is not null;
        var nameMatches = record is not null && nameGiven && HolderHasher.Matches(record.NameHash, input.Holder.NameHash);
        var idMatches = record is not null && idGiven && record.IdHash is not null && HolderHasher.Matches(record.IdHash, input.Holder.IdHash);
        var holderMatches = nameMatches && (!idGiven || idMatches);
        var disclosed = record is not null && (input.Disclosure == Disclosure.Authorized ? (!nameGiven || holderMatches) : holderMatches);

        checks.Add(CheckRegistry(code, input.Issuer, input.IssuerState));
        checks.Add(disclosed
            ? CheckIssuerStatusOnDate(input.Issuer, input.IssuerState, record!.IssueDate, input.Today)
            : CheckIssuerStatusInYear(input.Issuer, input.IssuerState, code.IssueYear, input.Today));

        if (input.RecordState == LookupState.Unavailable)
        {
            AddRemaining(checks, CheckStatus.Unknown, "record.unavailable",
                "证书数据暂时无法访问，无法确定。", "Certificate data is unavailable right now; this could not be decided.");
            return Finish(checks, null, false);
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
                return Finish(checks, null, false);
            }
            // An unknown code and a real code with a wrong name must give the same answer.
            checks.Add(NotApplicable(IssuerScope, "scope.no_match", "没有相符的证书记录，无法核对业务范围。", "No matching certificate record, so the scope cannot be checked."));
            checks.Add(Fail(Record, "record.no_match", "没有与该编号和持证人信息相符的证书。", "No certificate matches this code and holder details."));
            checks.Add(Fail(Holder, "holder.no_match", "持证人信息与证书不符或证书不存在。", "The holder details do not match a certificate with this code."));
            AddRemaining(checks, CheckStatus.NotApplicable, "status.no_match", "没有相符的证书记录。", "No matching certificate record.");
            return Finish(checks, null, false);
        }

        checks.Add(CheckScope(input.Issuer, record!, input.IssuerState));
        checks.Add(CheckRecord(code, record!));
        checks.Add(CheckHolder(nameGiven, idGiven, nameMatches, idMatches, record!));
        checks.Add(CheckRevocation(record!));
        checks.Add(CheckAppointmentTerm(record!, input.Today));
        checks.Add(CheckReview(record!));
        return Finish(checks, record, idMatches);
    }

    public static Outcome Decide(IReadOnlyList<CheckResult> checks)
    {
        var unknown = false;
        foreach (var check in checks)
        {
            if (check.Status == CheckStatus.Fail)
            {
                return Outcome.Invalid;
            }
            unknown |= check.Status == CheckStatus.Unknown;
        }
        // Never VALID when a check could not run.
        return unknown ? Outcome.Unknown : Outcome.Valid;
    }

    private static VerificationResult Finish(List<CheckResult> checks, CertificateRecord? record, bool idMatched) =>
        new(Decide(checks), checks, record, idMatched);

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
            return Fail(IssuerRegistry, "issuer.not_found",
                $"评价机构目录中没有机构代码为 {code.OrganizationCode} 的机构。", $"No body with organization code {code.OrganizationCode} is on the registry.");
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

    private static CheckResult CheckIssuerStatusOnDate(OrganizationRecord? issuer, LookupState state, DateOnly issueDate, DateOnly today)
    {
        if (issuer is null)
        {
            return state == LookupState.Unavailable
                ? Unknown(IssuerStatus, "issuer.unavailable", "评价机构目录暂时无法访问。", "The registry is unavailable right now.")
                : NotApplicable(IssuerStatus, "issuer.not_found", "机构不在目录中。", "The body is not on the registry.");
        }
        var date = Iso(issueDate);
        var status = issuer.StatusOn(issueDate);
        if (status != OrganizationStatus.Registered)
        {
            var reason = issuer.EventInForce(issueDate)?.Reason;
            return Fail(IssuerStatus, "issuer_status." + status,
                $"发证日 {date} 该机构{StatusZh(status)}{Because(reason)}，无权颁证。", $"On the issue date {date} the body was {StatusEn(status)}{BecauseEn(reason)} and could not issue certificates.");
        }
        var now = issuer.CurrentStatus(today);
        if (now != OrganizationStatus.Registered)
        {
            return Pass(IssuerStatus, "issuer_status.ok_later_" + now,
                $"发证日 {date} 该机构处于备案状态；该机构此后已{StatusZh(now)}，不影响此前颁发的证书。",
                $"On the issue date {date} the body was registered; it has since been {StatusEn(now)}, which does not void earlier certificates.");
        }
        return Pass(IssuerStatus, "issuer_status.ok", $"发证日 {date} 该机构处于备案状态。", $"On the issue date {date} the body was registered.");
    }

    private static CheckResult CheckIssuerStatusInYear(OrganizationRecord? issuer, LookupState state, int year, DateOnly today)
    {
        if (issuer is null)
        {
            return state == LookupState.Unavailable
                ? Unknown(IssuerStatus, "issuer.unavailable", "评价机构目录暂时无法访问。", "The registry is unavailable right now.")
                : NotApplicable(IssuerStatus, "issuer.not_found", "机构不在目录中。", "The body is not on the registry.");
        }
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 31);
        if (to > today) { to = today; }
        if (from > to)
        {
            return NotApplicable(IssuerStatus, "issuer_status.future_year", "发证年份在未来。", "The issue year is in the future.");
        }
        return issuer.ActiveDuring(from, to) switch
        {
            Coverage.All => Pass(IssuerStatus, "issuer_status.ok_year", $"该机构在{year}年全年处于备案状态。", $"The body was registered throughout {year}."),
            Coverage.None => Fail(IssuerStatus, "issuer_status.inactive_year", $"该机构在{year}年没有处于备案状态的时间，无权颁证。", $"The body was not registered at any time in {year} and could not issue certificates."),
            _ => Unknown(IssuerStatus, "issuer_status.date_needed", $"该机构在{year}年仅部分时间处于备案状态，需核对具体发证日期。", $"The body was registered for only part of {year}; the exact issue date is needed."),
        };
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
        foreach (var scope in issuer.Scope)
        {
            if (scope.Covers(record.OccupationCode, record.LevelCode, record.IssueDate))
            {
                return Pass(IssuerScope, "scope.ok",
                    $"发证日该机构可评价 {record.OccupationCode} {record.OccupationName} 的{level.Name}。", $"On the issue date the body could assess {record.OccupationCode} {record.OccupationName} at level {level.NameEn}.");
            }
        }
        return Fail(IssuerScope, "scope.out_of_scope",
            $"发证日 {Iso(record.IssueDate)} 该机构的评价范围不含 {record.OccupationCode} {record.OccupationName} 的{level.Name}。",
            $"On the issue date {Iso(record.IssueDate)} the body's scope did not include {record.OccupationCode} {record.OccupationName} at level {level.NameEn}.");
    }

    private static CheckResult CheckRecord(CertificateCode code, CertificateRecord record)
    {
        if (record.LevelCode != code.LevelCode || record.IssueDate.Year != code.IssueYear || !string.Equals(record.IssuerCode, code.OrganizationCode, StringComparison.Ordinal))
        {
            return Fail(Record, "record.inconsistent", "证书记录的等级、年份或发证机构与编号不一致。", "The certificate record's level, year or issuer does not agree with its code.");
        }
        return Pass(Record, "record.found", "证书记录存在，与编号一致。", "The certificate record exists and agrees with its code.");
    }

    private static CheckResult CheckHolder(bool nameGiven, bool idGiven, bool nameMatches, bool idMatches, CertificateRecord record)
    {
        if (!nameGiven)
        {
            return NotApplicable(Holder, "holder.authorized", "凭证书二维码或合作方授权查看，未核对姓名。", "Access was authorized by the certificate's QR code or a partner key; no name was checked.");
        }
        if (!nameMatches)
        {
            return Fail(Holder, "holder.no_match", "持证人信息与证书不符或证书不存在。", "The holder details do not match a certificate with this code.");
        }
        if (idGiven && record.IdHash is null)
        {
            return Unknown(Holder, "holder.id_not_on_record", "姓名相符；证书记录中没有身份证件号码，无法核对。", "The name matches; the record holds no ID number to check against.");
        }
        if (idGiven && !idMatches)
        {
            return Fail(Holder, "holder.no_match", "持证人信息与证书不符或证书不存在。", "The holder details do not match a certificate with this code.");
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

    private static CheckResult CheckAppointmentTerm(CertificateRecord record, DateOnly today)
    {
        var level = ReferenceData.GetLevel(record.LevelCode);
        if (!level.Appointment)
        {
            return NotApplicable(AppointmentTerm, "term.not_appointment", $"{level.Name}不是聘任制岗位，无聘期。", $"{level.NameEn} is not an appointment; it has no term.");
        }
        if (record.TermFrom is not { } from || record.TermTo is not { } to)
        {
            return Unknown(AppointmentTerm, "term.missing", "证书记录缺少聘期，无法判断是否在聘。", "The record has no appointment term, so whether the title is current cannot be decided.");
        }
        if (today > to)
        {
            return Fail(AppointmentTerm, "term.expired",
                $"{level.Name}聘期 {Iso(from)} 至 {Iso(to)} 已届满，该称号为历史称号，非现任。", $"The {level.NameEn} appointment ran from {Iso(from)} to {Iso(to)}; the title is historical, not current.");
        }
        if (today < from)
        {
            return Fail(AppointmentTerm, "term.not_started", $"{level.Name}聘期自 {Iso(from)} 起，尚未开始。", $"The {level.NameEn} appointment starts on {Iso(from)}; it has not begun.");
        }
        return Pass(AppointmentTerm, "term.current", $"{level.Name}聘期 {Iso(from)} 至 {Iso(to)}，现任。", $"The {level.NameEn} appointment runs from {Iso(from)} to {Iso(to)}; the title is current.");
    }

    private static CheckResult CheckReview(CertificateRecord record) => record.ReviewState switch
    {
        ReviewState.Confirmed => Pass(Review, "review.confirmed", "该称号已完成复核确认。", "The title has been confirmed on review (复核确认)."),
        ReviewState.Pending => Fail(Review, "review.pending", "2022年前取得的高级技师及以上称号尚待复核确认。", "A title of senior technician or above awarded before 2022 is still awaiting review confirmation (复核确认)."),
        _ => NotApplicable(Review, "review.not_required", "无需复核确认。", "No review confirmation is required."),
    };

    private static CheckResult Pass(string name, string code, string zh, string en) => new(name, CheckStatus.Pass, code, zh, en);
    private static CheckResult Fail(string name, string code, string zh, string en) => new(name, CheckStatus.Fail, code, zh, en);
    private static CheckResult Unknown(string name, string code, string zh, string en) => new(name, CheckStatus.Unknown, code, zh, en);
    private static CheckResult NotApplicable(string name, string code, string zh, string en) => new(name, CheckStatus.NotApplicable, code, zh, en);

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

    public static string StatusEn(string status) => status switch
    {
        "not_registered" => "not yet registered",
        _ => status,
    };
}
