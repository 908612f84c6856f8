using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Polly;
using Polly.Retry;

namespace SkillVerify.Data;

/// <summary>
/// What differs between database engines. Everything else (the queries, the row mapping, the
/// migration journal) is shared by <see cref="DapperStore"/>.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The provider name, also the schema folder: <c>Schema/{Name}/NNN_*.sql</c>.</summary>
    public abstract string Name { get; }

    public abstract DbConnection CreateConnection();

    private ResiliencePipeline? readPipeline;

    /// <summary>
    /// Runs one read (open, query, map), retried on the dialect's transient faults (<see cref="ReadRetry"/>), reads
    /// being idempotent: one Polly pipeline for every engine.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        await (readPipeline ??= BuildReadPipeline()).ExecuteAsync(static async (read, ct) => await read(ct), read, cancellationToken);

    /// <summary>How reads are retried: the faults that are transient on this engine, how often, how long apart. None by default.</summary>
    protected virtual RetryStrategyOptions? ReadRetry => null;

    private ResiliencePipeline BuildReadPipeline() =>
        ReadRetry is { } retry ? new ResiliencePipelineBuilder().AddRetry(retry).Build() : ResiliencePipeline.Empty;

    /// <summary>A connection for the read path (point lookups, searches); a read replica where the dialect supports one.</summary>
    public virtual DbConnection CreateReadConnection() => CreateConnection();

    /// <summary>Whether lookups go to a read replica (<c>ConnectionStrings:SkillVerifyReadOnly</c>) rather than the primary.</summary>
    public virtual bool HasReadReplica => false;

    /// <summary>
    /// After a write: waits until the read path sees it (a standby has replayed it), at most <paramref name="timeout"/>.
    /// True at once where reads go to the primary; false when the replica was still behind at the deadline.
    /// </summary>
    public virtual Task<bool> WaitForReadReplicaAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>The importer's bulk path on this engine.</summary>
    public abstract Import.BulkWriter BulkWriter { get; }

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

    private readonly ConcurrentDictionary<TableSpec, string> upserts = new();

    /// <summary>Inserts one row of <paramref name="table"/> (parameters named by <see cref="Column.Parameter"/>), or updates it by key.</summary>
    public string Upsert(TableSpec table) => upserts.GetOrAdd(table, UpsertSql);

    /// <summary>The single-row upsert (<see cref="Upsert"/>), made once per table: <c>INSERT … ON CONFLICT</c> here.</summary>
    protected virtual string UpsertSql(TableSpec table)
    {
        var action = table.NonKey.Any()
            ? "DO UPDATE SET " + string.Join(", ", table.NonKey.Select(c => $"{c.Name} = excluded.{c.Name}"))
            : "DO NOTHING";
        return $"""
            INSERT INTO {table.Name} ({table.ColumnList()})
            VALUES ({table.ParameterList()})
            ON CONFLICT ({string.Join(", ", table.Key.Select(c => c.Name))}) {action}
            """;
    }

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
