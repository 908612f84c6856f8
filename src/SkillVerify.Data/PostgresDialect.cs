using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace SkillVerify.Data;

/// <summary>PostgreSQL (and the PostgreSQL-compatible domestic databases) through Npgsql.</summary>
public sealed class PostgresDialect : SqlDialect
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlDataSource readDataSource;

    /// <param name="connectionString">The primary: migrations, imports, admin writes, credential status.</param>
    /// <param name="readConnectionString">
    /// For lookups (<c>ConnectionStrings:SkillVerifyReadOnly</c>): a streaming standby, or several hosts with
    /// <c>Target Session Attributes=prefer-standby</c>. Defaults to the primary.
    /// </param>
    public PostgresDialect(string connectionString, string? readConnectionString = null)
    {
        dataSource = NpgsqlDataSource.Create(WithAutoPrepare(connectionString));
        readDataSource = string.IsNullOrWhiteSpace(readConnectionString) ? dataSource : NpgsqlDataSource.Create(WithAutoPrepare(readConnectionString));
    }

    /// <summary>Whether lookups go somewhere else than the primary.</summary>
    public override bool HasReadReplica => !ReferenceEquals(readDataSource, dataSource);

    /// <summary>
    /// Turns on Npgsql's automatic preparation (a statement run five times on a connection is prepared on the
    /// server and reused) unless the connection string sets <c>Max Auto Prepare</c> itself: the certificate
    /// lookup then skips the server's parse and plan, about twice as many lookups per second (load-tests/README.md,
    /// issue 3). Set <c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements (PgBouncer in
    /// transaction mode).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    public override string Name => DatabaseProviders.Postgres;

    public override DbConnection CreateConnection() => dataSource.CreateConnection();

    public override DbConnection CreateReadConnection() => readDataSource.CreateConnection();

    /// <summary>
    /// A read is retried (twice, after 100 and 300 ms) when Npgsql calls its failure transient: a pooled
    /// connection the server cut (a standby restarted or promoted), a host that did not answer in time.
    /// </summary>
    public override async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < 2 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(attempt == 0 ? 100 : 300, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After a write on the primary: waits (at most <paramref name="timeout"/>) until the read source has replayed
    /// the primary's WAL up to now, so an instance that drops its cached copy on the invalidation reads the new row,
    /// not the old one from a standby a few milliseconds behind. True when the read source caught up (or is the
    /// primary, or is no longer in recovery).
    /// </summary>
    public override async Task<bool> WaitForReadReplicaAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!HasReadReplica)
        {
            return true;
        }
        string lsn;
        await using (var primary = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            lsn = await primary.ExecuteScalarAsync<string>(new CommandDefinition("SELECT pg_current_wal_lsn()::text", cancellationToken: cancellationToken)) ?? "0/0";
        }
        var deadline = DateTime.UtcNow + timeout;
        await using var replica = await readDataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            // NULL replay position: the read source is not a standby (a promoted one, or the primary itself).
            var caughtUp = await replica.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= @lsn::pg_lsn", new { lsn }, cancellationToken: cancellationToken));
            if (caughtUp)
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(10, cancellationToken);
        }
    }

    public override async Task<bool> IsEmptyForImportAsync(DbConnection connection, TableSpec table, CancellationToken cancellationToken) =>
        !await connection.ExecuteScalarAsync<bool>(new CommandDefinition($"SELECT EXISTS (SELECT 1 FROM {table.Name})", cancellationToken: cancellationToken));

    /// <summary>
    /// Binary COPY into a temporary table that lives for the batch's transaction, then one
    /// INSERT … ON CONFLICT that only updates rows whose columns differ; RETURNING tells inserts from updates.
    /// Into a table that was empty when the import began, binary COPY straight into the table: no stage, no
    /// merge (a key written meanwhile by someone else fails the batch, see <see cref="SqlDialect.BulkUpsertAsync"/>).
    /// </summary>
    public override async Task<UpsertCounts> BulkUpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IEnumerable<object?[]> rows, bool intoEmptyTable, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        if (!intoEmptyTable)
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateStageSql(table), transaction: transaction, cancellationToken: cancellationToken));
        }
        long count = 0;
        await using (var importer = await npgsql.BeginBinaryImportAsync(intoEmptyTable ? CopyIntoTableSql(table) : CopySql(table), cancellationToken))
        {
            foreach (var row in rows)
            {
                count++;
                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is null)
                    {
                        await importer.WriteNullAsync(cancellationToken);
                        continue;
                    }
                    switch (table.Columns[i].Kind)
                    {
                        case ColumnKind.Text: await importer.WriteAsync((string)row[i]!, NpgsqlDbType.Varchar, cancellationToken); break;
                        case ColumnKind.Date: await importer.WriteAsync((DateOnly)row[i]!, NpgsqlDbType.Date, cancellationToken); break;
                        case ColumnKind.Instant: await importer.WriteAsync(((DateTimeOffset)row[i]!).ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken); break;
                        case ColumnKind.Bytes: await importer.WriteAsync((byte[])row[i]!, NpgsqlDbType.Bytea, cancellationToken); break;
                    }
                }
            }
            await importer.CompleteAsync(cancellationToken);
        }
        if (intoEmptyTable)
        {
            return new UpsertCounts(count, 0, 0);
        }
        var (inserted, updated) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(MergeSql(table), transaction: transaction, commandTimeout: 600, cancellationToken: cancellationToken));
        return new UpsertCounts(inserted, updated, count - inserted - updated);
    }

    public static string StageName(TableSpec table) => $"stage_{table.Name}";

    public static string CreateStageSql(TableSpec table) =>
        $"CREATE TEMPORARY TABLE {StageName(table)} (LIKE {table.Name} INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP";

    public static string CopySql(TableSpec table) => $"COPY {StageName(table)} ({table.ColumnList()}) FROM STDIN (FORMAT BINARY)";

    public static string CopyIntoTableSql(TableSpec table) => $"COPY {table.Name} ({table.ColumnList()}) FROM STDIN (FORMAT BINARY)";

    public static string MergeSql(TableSpec table)
    {
        var keys = string.Join(", ", table.Key.Select(c => c.Name));
        var set = table.NonKey.Any()
            ? $"""
              DO UPDATE SET {string.Join(", ", table.NonKey.Select(c => $"{c.Name} = excluded.{c.Name}"))}
                  WHERE ({string.Join(", ", table.Compared.Select(c => $"t.{c.Name}"))}) IS DISTINCT FROM ({string.Join(", ", table.Compared.Select(c => $"excluded.{c.Name}"))})
              """
            : "DO NOTHING";
        if (table.Compared.Count() == 1)
        {
            // A one-column row constructor is not a row in PostgreSQL; compare the plain columns.
            var c = table.Compared.Single().Name;
            set = $"DO UPDATE SET {string.Join(", ", table.NonKey.Select(x => $"{x.Name} = excluded.{x.Name}"))} WHERE t.{c} IS DISTINCT FROM excluded.{c}";
        }
        return $"""
            WITH written AS (
                INSERT INTO {table.Name} AS t ({table.ColumnList()})
                SELECT {table.ColumnList()} FROM {StageName(table)}
                ON CONFLICT ({keys}) {set}
                RETURNING (xmax = 0) AS inserted
            )
            SELECT COUNT(*) FILTER (WHERE inserted) AS inserted, COUNT(*) FILTER (WHERE NOT inserted) AS updated FROM written
            """;
    }
}
