using System.Data.Common;
using Dapper;
using SkillVerify.Data;

namespace SkillVerify.Api.Credentials;

/// <summary>One status-list entry: the index, the certificate and the standing its credentials state.</summary>
public sealed record CredentialStatusEntry(long Idx, string Code, string Standing);

/// <summary>
/// The <c>credential_status</c> table (005_credential_status.sql): a stable status-list index per certificate and
/// stated standing. Stored rather than derived: a hash of the code would collide within a list of useful size,
/// and a list as long as the code space (10^6 serials per body and year) would not be a list a verifier can keep;
/// stored indexes are dense (0, 1, 2, … in order of first download) and never move. Plain SQL that SQLite,
/// PostgreSQL and SQL Server all accept.
/// </summary>
public sealed class CredentialStatusStore
{
    private readonly SqlDialect dialect;
    private readonly int commandTimeoutSeconds;

    public CredentialStatusStore(SqlDialect dialect, int commandTimeoutSeconds = 5)
    {
        TypeHandlers.Register();
        this.dialect = dialect;
        this.commandTimeoutSeconds = commandTimeoutSeconds;
    }

    public const string FindSql = "SELECT idx FROM credential_status WHERE code = @code AND standing = @standing";

    // The next index in one statement; two first downloads at once collide on the key and the loser reads the winner's row.
    public const string AssignSql = """
        INSERT INTO credential_status (idx, code, standing, created_at)
        SELECT COALESCE(MAX(idx), -1) + 1, @code, @standing, @at FROM credential_status
        """;

    public const string ListSql = "SELECT idx AS Idx, code AS Code, standing AS Standing FROM credential_status ORDER BY idx";

    public static IEnumerable<(string Name, string Sql)> Statements =>
        [(nameof(FindSql), FindSql), (nameof(AssignSql), AssignSql), (nameof(ListSql), ListSql)];

    public async Task<long> GetOrAssignIndexAsync(string code, string standing, DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = dialect.CreateConnection();
            var found = await connection.ExecuteScalarAsync<long?>(Command(FindSql, new { code, standing }, cancellationToken));
            if (found is { } idx)
            {
                return idx;
            }
            try
            {
                await connection.ExecuteAsync(Command(AssignSql, new { code, standing, at }, cancellationToken));
            }
            catch (DbException) when (attempt < 50)
            {
                // Another download took that index (or this very row) first: read again, after a short random pause.
                await Task.Delay(Random.Shared.Next(1, 10), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<CredentialStatusEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateConnection();
        var rows = await connection.QueryAsync<Row>(Command(ListSql, null, cancellationToken));
        return rows.Select(r => new CredentialStatusEntry(r.Idx, r.Code, r.Standing)).ToList();
    }

    private sealed class Row
    {
        public long Idx { get; init; }
        public string Code { get; init; } = "";
        public string Standing { get; init; } = "";
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, commandTimeout: commandTimeoutSeconds, cancellationToken: cancellationToken);
}
