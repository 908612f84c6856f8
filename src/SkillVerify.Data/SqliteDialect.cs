using System.Data.Common;
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

    public override Import.BulkWriter BulkWriter { get; } = new Import.SqliteBulkWriter();

    public string ConnectionString => connectionString;

    public override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    /// <summary>WAL mode first (it persists in the file): readers run while an import writes.</summary>
    public override string JournalDdl => "PRAGMA journal_mode=WAL;\n" + base.JournalDdl;

    public static string ForFile(string path) => new SqliteConnectionStringBuilder { DataSource = path }.ToString();
}
