namespace SkillVerify.Domain.Verification;

/// <summary>Registry status values (评价机构目录 dynamic adjustment).</summary>
public static class OrganizationStatus
{
    public const string Registered = "registered";   // 备案
    public const string Suspended = "suspended";     // 暂停
    public const string Revoked = "revoked";         // 撤销
    public const string Withdrawn = "withdrawn";     // 退出

    public static bool IsKnown(string status) => status is Registered or Suspended or Revoked or Withdrawn;
}

/// <summary>
/// A registry status event. <see cref="Seq"/> is the order it was recorded in: events of one day apply in
/// that order, never by name. The history is append-only: a mistaken event is never deleted but retracted
/// by a later correction (<see cref="Retraction"/>), so every past answer stays explainable.
/// </summary>
public sealed record StatusEvent(string Status, DateOnly EffectiveDate, string? Reason, long Seq = 0, StatusRetraction? Retraction = null)
{
    public bool InForce => Retraction is null;
}

/// <summary>A correction event that retracts a mistaken status event: why, and when it was recorded.</summary>
public sealed record StatusRetraction(string Reason, DateTimeOffset RecordedAt);

/// <summary>An occupation (职业, 2022 classification code such as 4-04-05-01) and 工种 a body may assess, for some levels, in a window.</summary>
public sealed record ScopeEntry(string OccupationCode, string OccupationName, string? WorkType, string Levels, DateOnly ValidFrom, DateOnly? ValidTo)
{
    /// <summary>Whether this entry lets the body assess the occupation, 工种 and level on a date. An entry that names a 工种 covers only that 工种.</summary>
    public bool Covers(string occupationCode, string? workType, char level, DateOnly date) =>
        string.Equals(OccupationCode, occupationCode, StringComparison.Ordinal)
        && (WorkType is null || string.Equals(WorkType, workType, StringComparison.Ordinal))
        && Levels.Contains(level)
        && ValidFrom <= date
        && (ValidTo is null || date <= ValidTo);
}

/// <summary>An enterprise's own name for a standard level (e.g. 首席技能大师 → S).</summary>
public sealed record OrganizationAlias(string Alias, char LevelCode);

/// <summary>A published quality-supervision result (评价质量评估结果).</summary>
public sealed record QualityResult(DateOnly PublishedOn, string Result, string? Note);

/// <summary>A registry entry with its history, as the checks need it.</summary>
public sealed record OrganizationRecord(
    string Code,
    char Type,
    string Name,
    string Province,
    string? ParentCode,
    string? Address,
    string? Contact,
    DateOnly RegisteredFrom,
    DateOnly? RegisteredTo,
    IReadOnlyList<StatusEvent> StatusHistory,
    IReadOnlyList<ScopeEntry> Scope,
    IReadOnlyList<OrganizationAlias> Aliases,
    IReadOnlyList<QualityResult> QualityResults,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The registration window is <c>[RegisteredFrom, RegisteredTo)</c>: the end date is the first day the
    /// body is no longer registered, exactly as a withdrawal (退出) event effective that day would say.
    /// </summary>
    public bool RegisteredOn(DateOnly date) => RegisteredFrom <= date && (RegisteredTo is null || date < RegisteredTo);

    /// <summary>The status in force on a date: the event in force (<see cref="EventInForce"/>), "registered" inside the window otherwise.</summary>
    public string StatusOn(DateOnly date)
    {
        if (!RegisteredOn(date))
        {
            return date < RegisteredFrom ? "not_registered" : OrganizationStatus.Withdrawn;
        }
        return EventInForce(date)?.Status ?? OrganizationStatus.Registered;
    }

    /// <summary>
    /// The event in force on a date: of the events not retracted and effective on or before it, the one with
    /// the latest effective date; of several on that date, the one recorded last (highest <see cref="StatusEvent.Seq"/>).
    /// </summary>
    public StatusEvent? EventInForce(DateOnly date)
    {
        StatusEvent? current = null;
        foreach (var e in StatusHistory)
        {
            if (e.InForce && e.EffectiveDate <= date
                && (current is null || e.EffectiveDate > current.EffectiveDate || (e.EffectiveDate == current.EffectiveDate && e.Seq > current.Seq)))
            {
                current = e;
            }
        }
        return current;
    }

    public bool ActiveOn(DateOnly date) => StatusOn(date) == OrganizationStatus.Registered;

    /// <summary>Active on every day from <paramref name="from"/> to <paramref name="to"/>, on none, or on some.</summary>
    public Coverage ActiveDuring(DateOnly from, DateOnly to)
    {
        // Status only changes at event dates and at the window's edges: test those points.
        var points = new List<DateOnly> { from };
        foreach (var e in StatusHistory)
        {
            if (e.EffectiveDate > from && e.EffectiveDate <= to) { points.Add(e.EffectiveDate); }
        }
        if (RegisteredFrom > from && RegisteredFrom <= to) { points.Add(RegisteredFrom); }
        if (RegisteredTo is { } end && end > from && end <= to) { points.Add(end); }
        var active = points.Count(ActiveOn);
        return active == points.Count ? Coverage.All : active == 0 ? Coverage.None : Coverage.Some;
    }

    public string CurrentStatus(DateOnly today) => StatusOn(today);
}

public enum Coverage
{
    All,
    Some,
    None,
}

/// <summary>Certificate status values.</summary>
public static class CertificateStatus
{
    public const string Active = "active";
    public const string Revoked = "revoked"; // 撤销
}

/// <summary>
/// 复核确认 of titles above 高级技师 (特级技师 / 首席技师-type titles) evaluated before the 2022 document.
/// It concerns only those levels (<see cref="Reference.Level.NeedsReviewState"/>): any other level is <see cref="NotRequired"/>.
/// </summary>
public static class ReviewState
{
    public const string NotRequired = "not_required";
    public const string Pending = "pending";     // 待复核确认 → UNKNOWN
    public const string Confirmed = "confirmed"; // the title counts from the confirmation
    public const string Refused = "refused";     // 复核未通过 → INVALID

    public static bool IsKnown(string state) => state is NotRequired or Pending or Confirmed or Refused;

    /// <summary>Whether a certificate of <paramref name="level"/> may carry <paramref name="state"/>: a review state other than not_required only on T/S.</summary>
    public static bool AppliesTo(string state, Reference.Level level) => state == NotRequired || level.NeedsReviewState;
}

/// <summary>How the level was obtained.</summary>
public static class ObtainedBy
{
    public static readonly IReadOnlyList<string> All = ["考核", "以赛代评", "直接认定", "评聘", "复核确认", "转正定级考核"];
}

/// <summary>A certificate record as stored: personal data only as keyed hashes and masked forms.</summary>
public sealed record CertificateRecord(
    string Code,
    string IssuerCode,
    char LevelCode,
    DateOnly IssueDate,
    string OccupationCode,
    string OccupationName,
    string? WorkType,
    byte[] NameHash,
    string NameMasked,
    byte[]? IdHash,
    string? IdMasked,
    string ObtainedBy,
    string Status,
    DateOnly? RevokedOn,
    string? RevocationReason,
    DateOnly? TermFrom,
    DateOnly? TermTo,
    string ReviewState,
    DateTimeOffset UpdatedAt);
