using Dapper;

namespace SkillVerify.Data.Partners;

/// <summary>The <c>partner_keys</c> table over any <see cref="SqlDialect"/>: plain SQL that SQLite, PostgreSQL and SQL Server all accept.</summary>
public sealed class PartnerKeyStore
{
    // Named, so the T-SQL test can parse each one: the same statements run on all three engines.
    public const string InsertSql = """
        INSERT INTO partner_keys (id, name, key_hash, provinces, batch_allowed, id_matching_allowed, requests_per_minute, expires_at, revoked_at, created_at)
        VALUES (@Id, @Name, @KeyHash, @Provinces, @BatchAllowed, @IdMatchingAllowed, @RequestsPerMinute, @ExpiresAt, @RevokedAt, @CreatedAt)
        """;

    public const string ListSql = """
        SELECT id, name, key_hash, provinces, batch_allowed, id_matching_allowed, requests_per_minute, expires_at, revoked_at, created_at
        FROM partner_keys
        ORDER BY created_at, id
        """;

    public const string FindSql = """
        SELECT id, name, key_hash, provinces, batch_allowed, id_matching_allowed, requests_per_minute, expires_at, revoked_at, created_at
        FROM partner_keys
        WHERE id = @id
        """;

    public const string RevokeSql = "UPDATE partner_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL";

    public static IEnumerable<(string Name, string Sql)> Statements =>
        [(nameof(InsertSql), InsertSql), (nameof(ListSql), ListSql), (nameof(FindSql), FindSql), (nameof(RevokeSql), RevokeSql)];

    private readonly SqlDialect dialect;
    private readonly int commandTimeout;

    public PartnerKeyStore(SqlDialect dialect, int commandTimeoutSeconds = 5)
    {
        TypeHandlers.Register();
        this.dialect = dialect;
        commandTimeout = commandTimeoutSeconds;
    }

    public async Task InsertAsync(PartnerKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.ExecuteAsync(Command(InsertSql, new
        {
            key.Id,
            key.Name,
            key.KeyHash,
            Provinces = key.Scope.ProvincesText,
            // Integers rather than booleans: the one column type all three engines read and write alike.
            BatchAllowed = key.Scope.BatchAllowed ? 1 : 0,
            IdMatchingAllowed = key.Scope.IdMatchingAllowed ? 1 : 0,
            key.RequestsPerMinute,
            key.ExpiresAt,
            key.RevokedAt,
            key.CreatedAt,
        }, cancellationToken));
    }

    public async Task<IReadOnlyList<PartnerKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        var rows = await connection.QueryAsync<PartnerKeyRow>(Command(ListSql, null, cancellationToken));
        return rows.Select(r => r.ToKey()).ToList();
    }

    public async Task<PartnerKey?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        var row = await connection.QuerySingleOrDefaultAsync<PartnerKeyRow>(Command(FindSql, new { id }, cancellationToken));
        return row?.ToKey();
    }

    /// <summary>Marks a key revoked; false when there is no such key or it was already revoked.</summary>
    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        return await connection.ExecuteAsync(Command(RevokeSql, new { id, at }, cancellationToken)) > 0;
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, commandTimeout: commandTimeout, cancellationToken: cancellationToken);

    private sealed class PartnerKeyRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public byte[] KeyHash { get; init; } = [];
        public string Provinces { get; init; } = "";
        public long BatchAllowed { get; init; }
        public long IdMatchingAllowed { get; init; }
        public long RequestsPerMinute { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
        public DateTimeOffset? RevokedAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }

        public PartnerKey ToKey() => new(Id, Name, KeyHash,
            new PartnerScope(PartnerScope.ParseProvinces(Provinces), BatchAllowed != 0, IdMatchingAllowed != 0),
            checked((int)RequestsPerMinute), ExpiresAt, RevokedAt, CreatedAt);
    }
}
