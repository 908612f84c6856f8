using System.Data.Common;
using System.Reflection;

namespace SkillVerify.Data;

/// <summary>What one bulk upsert did.</summary>
public readonly record struct UpsertCounts(long Inserted, long Updated, long Unchanged)
{
    public static UpsertCounts operator +(UpsertCounts a, UpsertCounts b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged);
}

/// <summary>
/// What differs between database engines. Everything else (the queries, the row mapping, the
/// migration journal) is shared by <see cref="DapperStore"/>.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The provider name, also the schema folder: <c>Schema/{Name}/NNN_*.sql</c>.</summary>
    public abstract string Name { get; }

    public abstract DbConnection CreateConnection();

    /// <summary>Runs one read (open, query, map); a dialect may retry it on transient faults, reads being idempotent.</summary>
    public virtual Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken) => read();

    /// <summary>A connection for the read path (point lookups, searches); a read replica where the dialect supports one.</summary>
    public virtual DbConnection CreateReadConnection() => CreateConnection();

    /// <summary>Whether lookups go to a read replica (<c>ConnectionStrings:SkillVerifyReadOnly</c>) rather than the primary.</summary>
    public virtual bool HasReadReplica => false;

    /// <summary>
    /// After a write: waits until the read path sees it (a standby has replayed it), at most <paramref name="timeout"/>.
    /// True at once where reads go to the primary; false when the replica was still behind at the deadline.
    /// </summary>
    public virtual Task<bool> WaitForReadReplicaAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Inserts or updates one batch of rows (values in <see cref="TableSpec.Columns"/> order) inside the
    /// caller's transaction, through the engine's bulk path; rows equal to the stored ones are left untouched.
    /// <paramref name="rows"/> is enumerated once, to the end, as the rows arrive from the reader (it may block
    /// between rows); a row must not be kept after the next one is read.
    /// </summary>
    /// <para>
    /// <paramref name="intoEmptyTable"/>: the table held no rows when the import began (see
    /// <see cref="IsEmptyForImportAsync"/>) and the import's rows are unique by key, so a dialect may insert
    /// without looking for stored rows. A row written by someone else meanwhile then fails the batch on its key
    /// (loudly; a rerun takes the upsert path), it is never overwritten or skipped.
    /// </para>
    public abstract Task<UpsertCounts> BulkUpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IEnumerable<object?[]> rows, bool intoEmptyTable, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="table"/> is empty as an import begins, for a dialect with a faster path into an
    /// empty table (<see cref="BulkUpsertAsync"/>); false (no fast path) unless the dialect has one.
    /// </summary>
    public virtual Task<bool> IsEmptyForImportAsync(DbConnection connection, TableSpec table, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>Runs once on the import's connection before the first batch (engine settings for bulk loading).</summary>
    public virtual Task PrepareForImportAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A paging clause for an ordered query, with <c>@Skip</c> and <c>@Take</c> parameters.</summary>
    public virtual string Page => "LIMIT @Take OFFSET @Skip";

    /// <summary>String concatenation (for LIKE patterns).</summary>
    public virtual string Concat(params string[] parts) => string.Join(" || ", parts);

    /// <summary>The migration journal, created before any script runs.</summary>
    public virtual string JournalDdl => """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            script     VARCHAR(200) NOT NULL PRIMARY KEY,
            applied_at VARCHAR(40)  NOT NULL
        )
        """;

    /// <summary>Insert or update one certificate by code, touching the row only when something changed.</summary>
    public virtual string UpsertCertificate => """
        INSERT INTO certificates (code, issuer_code, level_code, issue_date, occupation_code, occupation_name, work_type,
            name_hash, name_masked, id_hash, id_masked, obtained_by, status, revoked_on, revocation_reason,
            term_from, term_to, review_state, updated_at)
        VALUES (@Code, @IssuerCode, @LevelCode, @IssueDate, @OccupationCode, @OccupationName, @WorkType,
            @NameHash, @NameMasked, @IdHash, @IdMasked, @ObtainedBy, @Status, @RevokedOn, @RevocationReason,
            @TermFrom, @TermTo, @ReviewState, @UpdatedAt)
        ON CONFLICT (code) DO UPDATE SET
            issuer_code = excluded.issuer_code, level_code = excluded.level_code, issue_date = excluded.issue_date,
            occupation_code = excluded.occupation_code, occupation_name = excluded.occupation_name, work_type = excluded.work_type,
            name_hash = excluded.name_hash, name_masked = excluded.name_masked, id_hash = excluded.id_hash, id_masked = excluded.id_masked,
            obtained_by = excluded.obtained_by, status = excluded.status, revoked_on = excluded.revoked_on,
            revocation_reason = excluded.revocation_reason, term_from = excluded.term_from, term_to = excluded.term_to,
            review_state = excluded.review_state, updated_at = excluded.updated_at
        """;

    public virtual string UpsertOrganization => """
        INSERT INTO organizations (code, type, name, province, parent_code, address, contact, registered_from, registered_to, updated_at)
        VALUES (@Code, @Type, @Name, @Province, @ParentCode, @Address, @Contact, @RegisteredFrom, @RegisteredTo, @UpdatedAt)
        ON CONFLICT (code) DO UPDATE SET
            type = excluded.type, name = excluded.name, province = excluded.province, parent_code = excluded.parent_code,
            address = excluded.address, contact = excluded.contact, registered_from = excluded.registered_from,
            registered_to = excluded.registered_to, updated_at = excluded.updated_at
        """;

    public virtual string UpsertStatusEvent => """
        INSERT INTO organization_status_events (organization_code, effective_date, status, reason)
        VALUES (@OrganizationCode, @EffectiveDate, @Status, @Reason)
        ON CONFLICT (organization_code, effective_date, status) DO UPDATE SET reason = excluded.reason
        """;

    public virtual string UpsertScope => """
        INSERT INTO organization_scopes (organization_code, occupation_code, occupation_name, work_type, levels, valid_from, valid_to)
        VALUES (@OrganizationCode, @OccupationCode, @OccupationName, @WorkType, @Levels, @ValidFrom, @ValidTo)
        ON CONFLICT (organization_code, occupation_code, work_type, valid_from) DO UPDATE SET
            occupation_name = excluded.occupation_name, levels = excluded.levels, valid_to = excluded.valid_to
        """;

    public virtual string UpsertAlias => """
        INSERT INTO organization_aliases (organization_code, alias, level_code)
        VALUES (@OrganizationCode, @Alias, @LevelCode)
        ON CONFLICT (organization_code, alias) DO UPDATE SET level_code = excluded.level_code
        """;

    public virtual string UpsertQualityResult => """
        INSERT INTO organization_quality_results (organization_code, published_on, result, note)
        VALUES (@OrganizationCode, @PublishedOn, @Result, @Note)
        ON CONFLICT (organization_code, published_on) DO UPDATE SET result = excluded.result, note = excluded.note
        """;

    /// <summary>The versioned schema scripts of this dialect, in order.</summary>
    public IReadOnlyList<(string Name, string Sql)> MigrationScripts()
    {
        var assembly = typeof(SqlDialect).Assembly;
        var prefix = $"SkillVerify.Schema.{Name}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..], Read(assembly, n)))
            .ToList();
    }

    /// <summary>Splits a script into statements the engine runs one at a time (SQL Server's GO batches, for instance).</summary>
    public virtual IEnumerable<string> SplitStatements(string script) => [script];

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
