using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace SkillVerify.Data;

/// <summary>
/// SQL Server (the production target) through Microsoft.Data.SqlClient. Upserts are MERGE statements
/// generated from <see cref="Tables"/>; the read path may go to a readable secondary
/// (<c>ApplicationIntent=ReadOnly</c>) and retries transient faults.
/// </summary>
public sealed class SqlServerDialect : SqlDialect
{
    private readonly string connectionString;
    private readonly string readConnectionString;
    private readonly SqlRetryLogicBaseProvider readRetry;

    /// <param name="connectionString">The primary (migrations, imports, revocations).</param>
    /// <param name="readConnectionString">For lookups; e.g. the same server with <c>ApplicationIntent=ReadOnly</c> to reach a read replica. Defaults to the primary.</param>
    public SqlServerDialect(string connectionString, string? readConnectionString = null)
    {
        this.connectionString = connectionString;
        this.readConnectionString = string.IsNullOrWhiteSpace(readConnectionString) ? connectionString : readConnectionString;
        // Reads are idempotent, so a dropped connection, a failover or a throttled database is retried.
        readRetry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(new SqlRetryLogicOption
        {
            NumberOfTries = 4,
            DeltaTime = TimeSpan.FromMilliseconds(200),
            MaxTimeInterval = TimeSpan.FromSeconds(3),
        });
    }

    public override string Name => DatabaseProviders.SqlServer;

    public override DbConnection CreateConnection() => new SqlConnection(connectionString);

    public override DbConnection CreateReadConnection() => new SqlConnection(readConnectionString);

    public override bool HasReadReplica => !string.Equals(readConnectionString, connectionString, StringComparison.Ordinal);

    /// <summary>The whole read (open, query, map) is retried on transient faults: a failover, a dropped connection, throttling.</summary>
    public override Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken) => readRetry.ExecuteAsync(this, read, cancellationToken);

    public override string Page => "OFFSET @Skip ROWS FETCH NEXT @Take ROWS ONLY";

    public override string Concat(params string[] parts) => string.Join(" + ", parts);

    public override string JournalDdl => """
        IF OBJECT_ID(N'dbo.schema_migrations', N'U') IS NULL
        CREATE TABLE dbo.schema_migrations (
            script     NVARCHAR(200) NOT NULL PRIMARY KEY,
            applied_at NVARCHAR(40)  NOT NULL
        )
        """;

    public override string UpsertCertificate => MergeOne(Tables.Certificates);

    public override string UpsertOrganization => MergeOne(Tables.Organizations);

    public override string UpsertStatusEvent => MergeOne(Tables.StatusEvents);

    public override string UpsertScope => MergeOne(Tables.Scopes);

    public override string UpsertAlias => MergeOne(Tables.Aliases);

    public override string UpsertQualityResult => MergeOne(Tables.QualityResults);

    /// <summary>Splits a script on lines holding only <c>GO</c> (the sqlcmd batch separator).</summary>
    public override IEnumerable<string> SplitStatements(string script)
    {
        var batch = new System.Text.StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            if (line.Trim().Equals("GO", StringComparison.OrdinalIgnoreCase))
            {
                if (batch.ToString().Trim().Length > 0) { yield return batch.ToString(); }
                batch.Clear();
                continue;
            }
            batch.Append(line).Append('\n');
        }
        if (batch.ToString().Trim().Length > 0) { yield return batch.ToString(); }
    }

    /// <summary>SqlBulkCopy into a session temp table, then one MERGE that only updates rows whose columns differ.</summary>
    public override async Task<UpsertCounts> BulkUpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IEnumerable<object?[]> rows, bool intoEmptyTable, CancellationToken cancellationToken)
    {
        var sql = (SqlConnection)connection;
        long count = 0;
        await connection.ExecuteAsync(new CommandDefinition(CreateStageSql(table), transaction: transaction, cancellationToken: cancellationToken));
        using (var bulk = new SqlBulkCopy(sql, SqlBulkCopyOptions.TableLock, (SqlTransaction)transaction)
        {
            DestinationTableName = StageName(table),
            BatchSize = 0,
            BulkCopyTimeout = 600,
        })
        {
            using var data = new DataTable();
            foreach (var column in table.Columns)
            {
                data.Columns.Add(column.Name, column.Kind switch
                {
                    ColumnKind.Date => typeof(DateTime),
                    ColumnKind.Instant => typeof(DateTimeOffset),
                    ColumnKind.Bytes => typeof(byte[]),
                    _ => typeof(string),
                });
                bulk.ColumnMappings.Add(column.Name, column.Name);
            }
            foreach (var row in rows)
            {
                count++;
                data.Rows.Add(row.Select(v => v switch
                {
                    null => DBNull.Value,
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                    DateTimeOffset i => i.ToUniversalTime(),
                    var value => value,
                }).ToArray());
            }
            await bulk.WriteToServerAsync(data, cancellationToken);
        }
        var (inserted, updated) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(MergeSql(table), transaction: transaction, commandTimeout: 600, cancellationToken: cancellationToken));
        return new UpsertCounts(inserted, updated, count - inserted - updated);
    }

    public static string StageName(TableSpec table) => $"#stage_{table.Name}";

    /// <summary>An empty copy of the target's columns (types and collations); dropped first so a batch always starts clean.</summary>
    public static string CreateStageSql(TableSpec table) => $"""
        DROP TABLE IF EXISTS {StageName(table)};
        SELECT TOP (0) {table.ColumnList()} INTO {StageName(table)} FROM dbo.{table.Name};
        """;

    public static string MergeSql(TableSpec table) => $"""
        DECLARE @actions TABLE (action NVARCHAR(10) NOT NULL);
        {Merge(table, $"{StageName(table)}")}
        OUTPUT $action INTO @actions (action);
        SELECT CAST(COALESCE(SUM(CASE WHEN action = N'INSERT' THEN 1 ELSE 0 END), 0) AS BIGINT) AS inserted,
               CAST(COALESCE(SUM(CASE WHEN action = N'UPDATE' THEN 1 ELSE 0 END), 0) AS BIGINT) AS updated
        FROM @actions;
        DROP TABLE {StageName(table)};
        """;

    /// <summary>The single-row upsert the store uses: the same MERGE over one row of parameters.</summary>
    public static string MergeOne(TableSpec table) =>
        Merge(table, $"(SELECT {string.Join(", ", table.Columns.Select(c => $"@{c.Parameter} AS {c.Name}"))})") + ";";

    private static string Merge(TableSpec table, string source)
    {
        var on = string.Join(" AND ", table.Key.Select(c => $"t.{c.Name} = s.{c.Name}"));
        var matched = table.Compared.Any()
            ? $"""
              WHEN MATCHED AND EXISTS (SELECT {string.Join(", ", table.Compared.Select(c => $"s.{c.Name}"))} EXCEPT SELECT {string.Join(", ", table.Compared.Select(c => $"t.{c.Name}"))}) THEN
                  UPDATE SET {string.Join(", ", table.NonKey.Select(c => $"{c.Name} = s.{c.Name}"))}
              """
            : "";
        return $"""
            MERGE INTO dbo.{table.Name} WITH (HOLDLOCK) AS t
            USING {source} AS s
            ON {on}
            {matched}
            WHEN NOT MATCHED BY TARGET THEN
                INSERT ({table.ColumnList()})
                VALUES ({table.ColumnList("s")})
            """;
    }

    /// <summary>
    /// The bulk-import statements of this dialect, for the ScriptDom test; <see cref="StoreSql.All"/> lists the
    /// rest (the shared queries, the journal, the upserts and the schema batches).
    /// </summary>
    public static IEnumerable<(string Name, string Sql)> BulkStatements()
    {
        foreach (var table in Tables.All)
        {
            yield return ($"CreateStage {table.Name}", CreateStageSql(table));
            yield return ($"Merge {table.Name}", MergeSql(table));
        }
    }
}
