using System.Data.Common;
using Microsoft.Data.SqlClient;
using Polly;
using Polly.Retry;

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

    /// <param name="connectionString">The primary (migrations, imports, revocations).</param>
    /// <param name="readConnectionString">For lookups; e.g. the same server with <c>ApplicationIntent=ReadOnly</c> to reach a read replica. Defaults to the primary.</param>
    public SqlServerDialect(string connectionString, string? readConnectionString = null)
    {
        this.connectionString = connectionString;
        this.readConnectionString = string.IsNullOrWhiteSpace(readConnectionString) ? connectionString : readConnectionString;
    }

    public override string Name => DatabaseProviders.SqlServer;

    public override Import.BulkWriter BulkWriter { get; } = new Import.SqlServerBulkWriter();

    public override DbConnection CreateConnection() => new SqlConnection(connectionString);

    public override DbConnection CreateReadConnection() => new SqlConnection(readConnectionString);

    public override bool HasReadReplica => !string.Equals(readConnectionString, connectionString, StringComparison.Ordinal);

    /// <summary>
    /// The whole read (open, query, map) is retried on the errors SqlClient's own retry logic calls transient (a
    /// failover, a dropped connection, throttling): three more tries, 200 ms apart and doubling, at most 3 s.
    /// </summary>
    protected override RetryStrategyOptions ReadRetry { get; } = new()
    {
        ShouldHandle = new PredicateBuilder().Handle<SqlException>(e => e.Errors.Cast<SqlError>().Any(x => SqlConfigurableRetryFactory.BaselineTransientErrors.Contains(x.Number))),
        MaxRetryAttempts = 3,
        Delay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(3),
        BackoffType = DelayBackoffType.Exponential,
    };

    public override string Page => "OFFSET @Skip ROWS FETCH NEXT @Take ROWS ONLY";

    public override string Concat(params string[] parts) => string.Join(" + ", parts);

    public override string JournalDdl => """
        IF OBJECT_ID(N'dbo.schema_migrations', N'U') IS NULL
        CREATE TABLE dbo.schema_migrations (
            script     NVARCHAR(200) NOT NULL PRIMARY KEY,
            applied_at NVARCHAR(40)  NOT NULL
        )
        """;

    /// <summary>A MERGE over one row of parameters (SQL Server has no <c>ON CONFLICT</c>).</summary>
    protected override string UpsertSql(TableSpec table) => MergeOne(table);

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

    /// <summary>The single-row upsert the store uses: the same MERGE over one row of parameters.</summary>
    public static string MergeOne(TableSpec table) =>
        Merge(table, $"(SELECT {string.Join(", ", table.Columns.Select(c => $"@{c.Parameter} AS {c.Name}"))})") + ";";

    internal static string Merge(TableSpec table, string source)
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
}
