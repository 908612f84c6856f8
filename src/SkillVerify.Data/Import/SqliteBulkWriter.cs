using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SkillVerify.Data.Import;

/// <summary>The import's bulk path on SQLite: prepared statements bound through SQLite's C API.</summary>
public sealed class SqliteBulkWriter : BulkWriter
{
    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // In WAL mode NORMAL still keeps every committed batch whole after a crash; only the last ones may be lost.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-200000;", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Batched prepared statements inside the caller's transaction: an insert that does nothing on a key
    /// conflict, then, for an existing row, an update that only matches when a column differs. Bound through
    /// SQLite's C API on the connection's handle (no per-row ADO.NET command), the cost that dominated.
    /// </summary>
    public override Task<UpsertCounts> UpsertAsync(DbConnection connection, DbTransaction transaction, TableSpec table,
        IEnumerable<object?[]> rows, bool intoEmptyTable, CancellationToken cancellationToken)
    {
        var db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
        using var insert = Prepare(db, InsertSql(table));
        using var update = table.Compared.Any() ? Prepare(db, UpdateSql(table)) : null;
        // SQLite numbers parameters by first appearance in the text: map $pN to its slot in each statement.
        var insertRow = new BoundRow(insert, Slots(insert, table.Columns.Count));
        var updateRow = update is null ? null : new BoundRow(update, Slots(update, table.Columns.Count));
        var forms = new TextForms();
        long inserted = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Step(db, insertRow, row, forms) == 1)
            {
                inserted++;
            }
            else if (update is not null && Step(db, updateRow!, row, forms) == 1)
            {
                updated++;
            }
            else
            {
                unchanged++;
            }
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

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
        return statement;
    }

    private static int[] Slots(sqlite3_stmt statement, int count) =>
        Enumerable.Range(0, count).Select(i => raw.sqlite3_bind_parameter_index(statement, $"$p{i}")).ToArray();

    /// <summary>
    /// The text SQLite stores for dates and instants (the forms Microsoft.Data.Sqlite writes), as UTF-8, made
    /// once per distinct value: a batch's rows share a handful of dates and one import time.
    /// </summary>
    private sealed class TextForms
    {
        private readonly Dictionary<DateOnly, byte[]> dates = [];
        private DateTimeOffset lastInstant;
        private byte[]? lastInstantText;

        public byte[] Date(DateOnly date)
        {
            if (!dates.TryGetValue(date, out var text))
            {
                text = Encoding.UTF8.GetBytes(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (dates.Count < 100_000)
                {
                    dates[date] = text;
                }
            }
            return text;
        }

        public byte[] Instant(DateTimeOffset instant)
        {
            if (lastInstantText is null || instant != lastInstant || instant.Offset != lastInstant.Offset)
            {
                lastInstantText = Encoding.UTF8.GetBytes(instant.ToUniversalTime().ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                lastInstant = instant;
            }
            return lastInstantText;
        }
    }

    /// <summary>A prepared statement, where its parameters are, and the values bound to them now.</summary>
    private sealed class BoundRow(sqlite3_stmt statement, int[] slots)
    {
        private static readonly object Unbound = new();

        public sqlite3_stmt Statement { get; } = statement;

        public int[] Slots { get; } = slots;

        /// <summary>Per parameter, the object last bound (SQLite keeps a binding across resets until it is rebound).</summary>
        public object?[] Current { get; } = Enumerable.Repeat(Unbound, slots.Length).ToArray();
    }

    /// <summary>
    /// Binds one row (the same text forms Microsoft.Data.Sqlite writes), runs it, returns the rows changed.
    /// A parameter whose value is the very object bound for the previous row (a shared status, occupation, date
    /// or the import time: see ValueCache) keeps its binding: strings and boxes are immutable, so it is the same value.
    /// </summary>
    private static int Step(sqlite3 db, BoundRow bound, object?[] row, TextForms forms)
    {
        var statement = bound.Statement;
        var current = bound.Current;
        raw.sqlite3_reset(statement);
        for (var i = 0; i < row.Length; i++)
        {
            var value = row[i];
            if (ReferenceEquals(value, current[i]))
            {
                continue;
            }
            var slot = bound.Slots[i];
            var rc = value switch
            {
                null => raw.sqlite3_bind_null(statement, slot),
                // UTF-16 straight from the string; SQLite transcodes it (no UTF-8 copy on the managed heap per value).
                string text => raw.sqlite3_bind_text16(statement, slot, text.AsSpan()),
                byte[] bytes => raw.sqlite3_bind_blob(statement, slot, bytes),
                DateOnly date => raw.sqlite3_bind_text(statement, slot, forms.Date(date).AsSpan()),
                DateTimeOffset instant => raw.sqlite3_bind_text(statement, slot, forms.Instant(instant).AsSpan()),
                var other => throw new NotSupportedException($"Cannot bind {other.GetType().Name}."),
            };
            if (rc != raw.SQLITE_OK)
            {
                throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
            }
            current[i] = value;
        }
        var result = raw.sqlite3_step(statement);
        if (result != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), result);
        }
        return raw.sqlite3_changes(db);
    }
}
