using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace SkillVerify.Data.Import;

/// <summary>The import's bulk path on SQL Server: SqlBulkCopy into a session temp table, then one MERGE.</summary>
public sealed class SqlServerBulkWriter : BulkWriter
{
    /// <summary>SqlBulkCopy into a session temp table, then one MERGE that only updates rows whose columns differ.</summary>
    public override async Task<UpsertCounts> UpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
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
        {SqlServerDialect.Merge(table, $"{StageName(table)}")}
        OUTPUT $action INTO @actions (action);
        SELECT CAST(COALESCE(SUM(CASE WHEN action = N'INSERT' THEN 1 ELSE 0 END), 0) AS BIGINT) AS inserted,
               CAST(COALESCE(SUM(CASE WHEN action = N'UPDATE' THEN 1 ELSE 0 END), 0) AS BIGINT) AS updated
        FROM @actions;
        DROP TABLE {StageName(table)};
        """;

    /// <summary>
    /// The bulk-import statements on SQL Server, for the ScriptDom test; <see cref="StoreSql.All"/> lists the
    /// rest (the shared queries, the journal, the upserts and the schema batches).
    /// </summary>
    public static IEnumerable<(string Name, string Sql)> Statements()
    {
        foreach (var table in Tables.All)
        {
            yield return ($"CreateStage {table.Name}", CreateStageSql(table));
            yield return ($"Merge {table.Name}", MergeSql(table));
        }
    }
}
