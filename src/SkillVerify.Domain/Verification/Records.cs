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

public sealed record StatusEvent(string Status, DateOnly EffectiveDate, string? Reason);

/// <summary>An occupation (职业, 2022 classification code such as 4-04-05-01) and 工种 a body may assess, for some levels, in a window.</summary>
public sealed record ScopeEntry(string OccupationCode, string OccupationName, string? WorkType, string Levels, DateOnly ValidFrom, DateOnly? ValidTo)
{
    public bool Covers(string occupationCode, char level, DateOnly date) =>
        string.Equals(OccupationCode, occupationCode, StringComparison.Ordinal)
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
    public bool RegisteredOn(DateOnly date) => RegisteredFrom <= date && (RegisteredTo is null || date <= RegisteredTo);

    /// <summary>The status in force on a date: the latest event on or before it, "registered" inside the window otherwise.</summary>
    public string StatusOn(DateOnly date)
    {
        if (!RegisteredOn(date))
        {
            return date < RegisteredFrom ? "not_registered" : OrganizationStatus.Withdrawn;
        }
        StatusEvent? current = null;
        foreach (var e in StatusHistory)
        {
            if (e.EffectiveDate <= date && (current is null || e.EffectiveDate >= current.EffectiveDate))
            {
                current = e;
            }
        }
        return current?.Status ?? OrganizationStatus.Registered;
    }

    public StatusEvent? EventInForce(DateOnly date) =>
        StatusHistory.Where(e => e.EffectiveDate <= date).OrderBy(e => e.EffectiveDate).LastOrDefault();

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
        if (RegisteredTo is { } end && end >= from && end < to) { points.Add(end.AddDays(1)); }
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

/// <summary>复核确认 of titles of 高级技师 and above awarded before the 2022 document.</summary>
public static class ReviewState
{
    public const string NotRequired = "not_required";
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";

    public static bool IsKnown(string state) => state is NotRequired or Pending or Confirmed;
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
