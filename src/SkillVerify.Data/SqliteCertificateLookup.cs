using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SkillVerify.Domain.Verification;
using SQLitePCL;

namespace SkillVerify.Data;

/// <summary>
/// The certificate point lookup on SQLite (the API's cache-miss path, <see cref="DapperStore.FindCertificateAsync"/>),
/// hand-mapped: the SELECT is prepared once per pooled connection and kept with it, then each lookup binds the
/// code, steps once and reads the columns by ordinal through SQLite's C API.
/// <para>
/// Why by hand rather than through Dapper, for this one query: Microsoft.Data.Sqlite parses and prepares the
/// statement again on every command (SQLite keeps no statement cache), and Dapper then resolves 19 columns by
/// name; the profile of <c>skillverify bench-lookups</c> put those above half of a lookup's CPU
/// (load-tests/README.md, issue 3). The text forms read here are the ones <see cref="TypeHandlers"/> reads, and
/// the store tests run the same assertions over this path and PostgreSQL's Dapper path.
/// </para>
/// </summary>
internal static class SqliteCertificateLookup
{
    private static readonly string[] Columns = Tables.Certificates.Columns.Select(c => c.Name).ToArray();

    // Keyed by the pooled connection's native handle: the statement lives as long as that connection.
    private static readonly ConditionalWeakTable<sqlite3, sqlite3_stmt> Statements = new();

    public static CertificateRecord? Find(SqliteConnection connection, string code, int timeoutSeconds)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var statement = Statements.GetValue(db, Prepare);
        try
        {
            Check(db, raw.sqlite3_bind_text16(statement, 1, code.AsSpan()));
            var rc = Step(statement, timeoutSeconds);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }
            if (rc != raw.SQLITE_ROW)
            {
                Check(db, rc);
            }
            var level = Text(statement, 2)!;
            return new CertificateRecord(
                Text(statement, 0)!, Text(statement, 1)!, level[0], Date(statement, 3)!.Value, Text(statement, 4)!, Text(statement, 5)!,
                Text(statement, 6), Blob(statement, 7)!, Text(statement, 8)!, Blob(statement, 9), Text(statement, 10), Text(statement, 11)!,
                Text(statement, 12)!, Date(statement, 13), Text(statement, 14), Date(statement, 15), Date(statement, 16), Text(statement, 17)!,
                Instant(statement, 18));
        }
        finally
        {
            // Ends the read transaction the step opened and lets the connection go back to the pool clean.
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 db)
    {
        Check(db, raw.sqlite3_prepare_v3(db, StoreSql.FindCertificate, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out _));
        // The ordinals above follow StoreSql.FindCertificate's column list: refuse to read anything else.
        var names = Enumerable.Range(0, raw.sqlite3_column_count(statement)).Select(i => raw.sqlite3_column_name(statement, i).utf8_to_string());
        if (!names.SequenceEqual(Columns) || raw.sqlite3_bind_parameter_count(statement) != 1)
        {
            statement.Dispose();
            throw new InvalidOperationException("StoreSql.FindCertificate no longer matches the columns SqliteCertificateLookup reads.");
        }
        return statement;
    }

    /// <summary>Steps once, waiting out a busy or locked database up to the timeout as Microsoft.Data.Sqlite does.</summary>
    private static int Step(sqlite3_stmt statement, int timeoutSeconds)
    {
        int rc;
        Stopwatch? timer = null;
        while ((rc = raw.sqlite3_step(statement)) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
        {
            timer ??= Stopwatch.StartNew();
            if (timeoutSeconds != 0 && timer.ElapsedMilliseconds >= timeoutSeconds * 1000L)
            {
                break;
            }
            raw.sqlite3_reset(statement);
            Thread.Sleep(150);
        }
        return rc;
    }

    private static string? Text(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(statement, column).utf8_to_string();

    private static byte[]? Blob(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_blob(statement, column).ToArray();

    /// <summary>As <see cref="TypeHandlers"/>: the first ten characters, yyyy-MM-dd.</summary>
    private static DateOnly? Date(sqlite3_stmt statement, int column)
    {
        if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
        {
            return null;
        }
        var utf8 = raw.sqlite3_column_blob(statement, column); // a text value's UTF-8 bytes
        Span<char> text = stackalloc char[64];
        var length = Encoding.UTF8.GetChars(utf8.Length > 40 ? utf8[..40] : utf8, text);
        return TypeHandlers.ParseDate(text[..length]);
    }

    /// <summary>As <see cref="TypeHandlers"/>: ISO 8601, UTC when no offset is written.</summary>
    private static DateTimeOffset Instant(sqlite3_stmt statement, int column)
    {
        var utf8 = raw.sqlite3_column_blob(statement, column); // a text value's UTF-8 bytes
        if (utf8.Length > 128)
        {
            return TypeHandlers.ParseInstant(Encoding.UTF8.GetString(utf8));
        }
        Span<char> text = stackalloc char[128];
        var length = Encoding.UTF8.GetChars(utf8, text);
        return TypeHandlers.ParseInstant(text[..length]);
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
        }
    }
}
