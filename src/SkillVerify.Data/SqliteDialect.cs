using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace SkillVerify.Data;

/// <summary>The embedded default: a SQLite file, no setup.</summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string connectionString;

    public SqliteDialect(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            // Pooling keeps the WAL-mode connection open between requests; the hot path opens one per lookup.
            Pooling = true,
            DefaultTimeout = 5,
        };
        this.connectionString = builder.ToString();
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }
    }

    public override string Name => DatabaseProviders.Sqlite;

    public string ConnectionString => connectionString;

    public override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    public static string ForFile(string path) => new SqliteConnectionStringBuilder { DataSource = path }.ToString();

    public override async Task PrepareForImportAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // In WAL mode NORMAL still keeps every committed batch whole after a crash; only the last ones may be lost.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-200000;", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Batched prepared statements inside the caller's transaction: an insert that does nothing on a key
    /// conflict, then, for an existing row, an update that only matches when a column differs.
    /// </summary>
    public override Task<UpsertCounts> BulkUpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var sqlite = (SqliteConnection)connection;
        using var insert = Prepare(sqlite, (SqliteTransaction)transaction, InsertSql(table), table.Columns.Count);
        using var update = table.Compared.Any() ? Prepare(sqlite, (SqliteTransaction)transaction, UpdateSql(table), table.Columns.Count) : null;
        long inserted = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(insert, row);
            if (insert.ExecuteNonQuery() == 1)
            {
                inserted++;
                continue;
            }
            if (update is not null)
            {
                Bind(update, row);
                if (update.ExecuteNonQuery() == 1)
                {
                    updated++;
                    continue;
                }
            }
            unchanged++;
        }
        return Task.FromResult(new UpsertCounts(inserted, updated, unchanged));
    }

    public static string InsertSql(TableSpec table) => $"""
        INSERT INTO {table.Name} ({table.ColumnList()})
        VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})
        ON CONFLICT ({string.Join(", ", table.Key.Select(c => c.Name))}) DO NOTHING
        """;

    public static string UpdateSql(TableSpec table)
    {
        var index = table.Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c.Name, x => x.i);
        return $"""
            UPDATE {table.Name}
            SET {string.Join(", ", table.NonKey.Select(c => $"{c.Name} = $p{index[c.Name]}"))}
            WHERE {string.Join(" AND ", table.Key.Select(c => $"{c.Name} = $p{index[c.Name]}"))}
              AND ({string.Join(" OR ", table.Compared.Select(c => $"{c.Name} IS NOT $p{index[c.Name]}"))})
            """;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int count)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < count; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
        }
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, object?[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            command.Parameters[i].Value = row[i] switch
            {
                null => DBNull.Value,
                DateTimeOffset instant => instant.ToUniversalTime(),
                var value => value,
            };
        }
    }
}
