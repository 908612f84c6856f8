using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace SkillVerify.Data.Import;

/// <summary>The import's bulk path on PostgreSQL: binary COPY, then one merge.</summary>
public sealed class PostgresBulkWriter : BulkWriter
{
    public override async Task<bool> IsEmptyAsync(DbConnection connection, TableSpec table, CancellationToken cancellationToken) =>
        !await connection.ExecuteScalarAsync<bool>(new CommandDefinition($"SELECT EXISTS (SELECT 1 FROM {table.Name})", cancellationToken: cancellationToken));

    /// <summary>
    /// Binary COPY into a temporary table that lives for the batch's transaction, then one
    /// INSERT … ON CONFLICT that only updates rows whose columns differ; RETURNING tells inserts from updates.
    /// Into a table that was empty when the import began, binary COPY straight into the table: no stage, no
    /// merge (a key written meanwhile by someone else fails the batch, see <see cref="BulkWriter.UpsertAsync"/>).
    /// </summary>
    public override async Task<UpsertCounts> UpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
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
