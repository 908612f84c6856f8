namespace SkillVerify.Data;

public static class Dialects
{
    /// <summary>The dialect for a provider name (<c>sqlite</c>, <c>sqlserver</c>, <c>postgres</c>).</summary>
    public static SqlDialect Create(string provider, string connectionString) => provider.ToLowerInvariant() switch
    {
        DatabaseProviders.Sqlite => new SqliteDialect(connectionString),
        _ => throw new NotSupportedException($"Database:Provider '{provider}' is not built into this version yet; use '{DatabaseProviders.Sqlite}'."),
    };
}
