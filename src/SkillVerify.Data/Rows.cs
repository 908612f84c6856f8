using SkillVerify.Domain.Verification;

namespace SkillVerify.Data;

// Row shapes as the database returns them; the store maps them to the domain records. Dapper matches a record's
// constructor to the columns in order: each follows its table's columns in Tables.cs (a child table's without the
// owner's organization_code), which TablesTests checks.

internal sealed record CertificateRow(
    string Code, string IssuerCode, string LevelCode, DateOnly IssueDate, string OccupationCode, string OccupationName, string? WorkType,
    byte[] NameHash, string NameMasked, byte[]? IdHash, string? IdMasked, string ObtainedBy, string Status, DateOnly? RevokedOn,
    string? RevocationReason, DateOnly? TermFrom, DateOnly? TermTo, string ReviewState, DateTimeOffset UpdatedAt)
{
    public CertificateRecord ToRecord() => new(Code, IssuerCode, LevelCode[0], IssueDate, OccupationCode, OccupationName, WorkType,
        NameHash, NameMasked, IdHash, IdMasked, ObtainedBy, Status, RevokedOn, RevocationReason, TermFrom, TermTo, ReviewState, UpdatedAt);

    public static object Parameters(CertificateRecord r) => new
    {
        r.Code,
        r.IssuerCode,
        LevelCode = r.LevelCode.ToString(),
        r.IssueDate,
        r.OccupationCode,
        r.OccupationName,
        r.WorkType,
        r.NameHash,
        r.NameMasked,
        r.IdHash,
        r.IdMasked,
        r.ObtainedBy,
        r.Status,
        r.RevokedOn,
        r.RevocationReason,
        r.TermFrom,
        r.TermTo,
        r.ReviewState,
        r.UpdatedAt,
    };
}

internal sealed record OrganizationRow(
    string Code, string Type, string Name, string Province, string? ParentCode, string? Address, string? Contact,
    DateOnly RegisteredFrom, DateOnly? RegisteredTo, DateTimeOffset UpdatedAt);

internal sealed record StatusEventRow(DateOnly EffectiveDate, string Status, string? Reason, long Seq);

internal sealed record CorrectionRow(long CorrectsSeq, string Reason, DateTimeOffset RecordedAt);

internal sealed record ScopeRow(string OccupationCode, string WorkType, DateOnly ValidFrom, string OccupationName, string Levels, DateOnly? ValidTo);

internal sealed record AliasRow(string Alias, string LevelCode);

internal sealed record QualityRow(DateOnly PublishedOn, string Result, string? Note);

internal sealed record SnapshotRow(long Version, DateTimeOffset UpdatedAt);
