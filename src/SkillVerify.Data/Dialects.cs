namespace SkillVerify.Data;

public static class Dialects
{
    /// <summary>The dialect for a provider name (<c>sqlite</c>, <c>sqlserver</c>, <c>postgres</c>).</summary>
    /// <param name="readConnectionString">
    /// Where lookups go: a readable secondary (SQL Server, <c>ApplicationIntent=ReadOnly</c>) or a streaming standby
    /// (PostgreSQL); the primary when null. SQLite has one file and ignores it.
    /// </param>
    public static SqlDialect Create(string provider, string connectionString, string? readConnectionString = null) => provider.ToLowerInvariant() switch
    {
        DatabaseProviders.Sqlite => new SqliteDialect(connectionString),
        DatabaseProviders.Postgres => new PostgresDialect(connectionString, readConnectionString),
        DatabaseProviders.SqlServer => new SqlServerDialect(connectionString, readConnectionString),
        _ => throw new NotSupportedException(
            $"Database:Provider (Database__Provider) is '{provider}'; it must be one of: {string.Join(", ", DatabaseProviders.All)}."),
    };
}
