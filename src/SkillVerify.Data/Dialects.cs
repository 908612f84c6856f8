namespace SkillVerify.Data;

public static class Dialects
{
    /// <summary>The dialect for a provider name (<c>sqlite</c>, <c>sqlserver</c>, <c>postgres</c>).</summary>
    /// <param name="readConnectionString">SQL Server only: where lookups go (e.g. <c>ApplicationIntent=ReadOnly</c> for a read replica).</param>
    public static SqlDialect Create(string provider, string connectionString, string? readConnectionString = null) => provider.ToLowerInvariant() switch
    {
        DatabaseProviders.Sqlite => new SqliteDialect(connectionString),
        DatabaseProviders.Postgres => new PostgresDialect(connectionString),
        DatabaseProviders.SqlServer => new SqlServerDialect(connectionString, readConnectionString),
        _ => throw new NotSupportedException(
            $"Database:Provider (Database__Provider) is '{provider}'; it must be one of: {string.Join(", ", DatabaseProviders.All)}."),
    };
}
