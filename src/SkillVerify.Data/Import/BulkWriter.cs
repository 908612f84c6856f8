using System.Data.Common;

namespace SkillVerify.Data.Import;

/// <summary>What one bulk upsert did.</summary>
public readonly record struct UpsertCounts(long Inserted, long Updated, long Unchanged)
{
    public static UpsertCounts operator +(UpsertCounts a, UpsertCounts b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged);
}

/// <summary>
/// One engine's bulk path for the importer (<see cref="SqlDialect.BulkWriter"/>): SQLite's prepared statements,
/// PostgreSQL's binary COPY, SQL Server's SqlBulkCopy. Rows arrive as values in <see cref="TableSpec.Columns"/> order.
/// </summary>
public abstract class BulkWriter
{
    /// <summary>Runs once on the import's connection before the first batch (engine settings for bulk loading).</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether <paramref name="table"/> is empty as an import begins, for a writer with a faster path into an
    /// empty table (<see cref="UpsertAsync"/>); false (no fast path) unless the writer has one.
    /// </summary>
    public virtual Task<bool> IsEmptyAsync(DbConnection connection, TableSpec table, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Inserts or updates one batch of rows inside the caller's transaction; rows equal to the stored ones are left
    /// untouched. <paramref name="rows"/> is enumerated once, to the end, as the rows arrive from the reader (it may
    /// block between rows); a row must not be kept after the next one is read.
    /// </summary>
    /// <para>
    /// <paramref name="intoEmptyTable"/>: the table held no rows when the import began (see <see cref="IsEmptyAsync"/>)
    /// and the import's rows are unique by key, so a writer may insert without looking for stored rows. A row written
    /// by someone else meanwhile then fails the batch on its key (loudly; a rerun takes the upsert path), it is never
    /// overwritten or skipped.
    /// </para>
    public abstract Task<UpsertCounts> UpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IEnumerable<object?[]> rows, bool intoEmptyTable, CancellationToken cancellationToken);
}
