namespace SkillVerify.Data;

/// <summary>How a column's values travel: text, a date, an instant (UTC) or bytes (keyed hashes).</summary>
public enum ColumnKind
{
    Text,
    Date,
    Instant,
    Bytes,
}

public sealed record Column(string Name, ColumnKind Kind)
{
    /// <summary>The Dapper parameter name: issuer_code → IssuerCode.</summary>
    public string Parameter => string.Concat(Name.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

/// <summary>
/// A table as the upserts see it: the key columns first, then the rest. <see cref="Touched"/> is the
/// column set to the import's time when (and only when) a row changes, so importing the same data
/// twice leaves every row as it was.
/// </summary>
public sealed record TableSpec(string Name, IReadOnlyList<Column> Columns, int KeyCount, string? Touched = null)
{
    public IEnumerable<Column> Key => Columns.Take(KeyCount);

    public IEnumerable<Column> NonKey => Columns.Skip(KeyCount);

    /// <summary>The columns whose difference makes an update (all but the key and the touched column).</summary>
    public IEnumerable<Column> Compared => NonKey.Where(c => c.Name != Touched);

    public string ColumnList(string? alias = null) => string.Join(", ", Columns.Select(c => alias is null ? c.Name : $"{alias}.{c.Name}"));

    /// <summary>The column list without <paramref name="omitted"/> (a child table read by its owner's key leaves that key out).</summary>
    public string ColumnListWithout(string omitted) => string.Join(", ", Columns.Where(c => c.Name != omitted).Select(c => c.Name));

    /// <summary>The parameter list matching <see cref="ColumnList"/>: <c>@Code, @IssuerCode, …</c>.</summary>
    public string ParameterList() => string.Join(", ", Columns.Select(c => "@" + c.Parameter));
}

/// <summary>
/// The tables every dialect writes to, in schema column order: the one list of their columns. The store's queries
/// and upserts, every dialect's bulk statements and the lookups derive theirs from it; the row records
/// (<c>Rows.cs</c>) and the import kinds' rows are checked against it by the tests.
/// </summary>
public static class Tables
{
    private static Column T(string name) => new(name, ColumnKind.Text);
    private static Column D(string name) => new(name, ColumnKind.Date);

    public static readonly TableSpec Organizations = new("organizations",
    [
        T("code"), T("type"), T("name"), T("province"), T("parent_code"), T("address"), T("contact"),
        D("registered_from"), D("registered_to"), new("updated_at", ColumnKind.Instant),
    ], 1, "updated_at");

    public static readonly TableSpec StatusEvents = new("organization_status_events",
        [T("organization_code"), D("effective_date"), T("status"), T("reason")], 3);

    public static readonly TableSpec Scopes = new("organization_scopes",
        [T("organization_code"), T("occupation_code"), T("work_type"), D("valid_from"), T("occupation_name"), T("levels"), D("valid_to")], 4);

    public static readonly TableSpec Aliases = new("organization_aliases", [T("organization_code"), T("alias"), T("level_code")], 2);

    public static readonly TableSpec QualityResults = new("organization_quality_results",
        [T("organization_code"), D("published_on"), T("result"), T("note")], 2);

    public static readonly TableSpec Certificates = new("certificates",
    [
        T("code"), T("issuer_code"), T("level_code"), D("issue_date"), T("occupation_code"), T("occupation_name"), T("work_type"),
        new("name_hash", ColumnKind.Bytes), T("name_masked"), new("id_hash", ColumnKind.Bytes), T("id_masked"), T("obtained_by"),
        T("status"), D("revoked_on"), T("revocation_reason"), D("term_from"), D("term_to"), T("review_state"),
        new("updated_at", ColumnKind.Instant),
    ], 1, "updated_at");

    public static readonly IReadOnlyList<TableSpec> All = [Organizations, StatusEvents, Scopes, Aliases, QualityResults, Certificates];
}
