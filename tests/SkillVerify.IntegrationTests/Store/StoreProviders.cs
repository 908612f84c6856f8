using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using SkillVerify.Data;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Store;

/// <summary>
/// A fresh, empty database of one engine, made for one test and dropped after it (Dapper's TestBase&lt;TProvider&gt; idea).
/// </summary>
public interface IStoreProvider : IAsyncDisposable
{
    string Name { get; }

    string ConnectionString { get; }

    /// <summary>Creates the database (not the schema) and returns its dialect.</summary>
    Task<SqlDialect> CreateAsync();
}

public sealed class SqliteProvider : IStoreProvider
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "skillverify-tests", Guid.NewGuid().ToString("N"));

    public string Name => DatabaseProviders.Sqlite;

    public string ConnectionString => SqliteDialect.ForFile(Path.Combine(directory, "store.db"));

    public Task<SqlDialect> CreateAsync()
    {
        Directory.CreateDirectory(directory);
        return Task.FromResult<SqlDialect>(new SqliteDialect(ConnectionString));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held by a finishing connection; the temp folder is cleaned by the OS.
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A uniquely named database on the throwaway PostgreSQL server of <c>scripts/test-servers.sh</c>.</summary>
public sealed class PostgresProvider : IStoreProvider
{
    private readonly string database = "sv_" + Guid.NewGuid().ToString("N");

    public string Name => DatabaseProviders.Postgres;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = database }.ToString();

    public async Task<SqlDialect> CreateAsync()
    {
        try
        {
            await using var admin = new NpgsqlConnection(TestServers.Postgres);
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8'");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw TestServers.Unreachable("PostgreSQL", TestServers.Postgres, e);
        }
        return new PostgresDialect(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var admin = new NpgsqlConnection(TestServers.Postgres);
            await admin.OpenAsync();
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // The server went away; its cluster is thrown away with it.
        }
    }
}
