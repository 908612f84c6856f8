using System.Data.Common;
using Dapper;
using Npgsql;
using Polly;
using Polly.Retry;

namespace SkillVerify.Data;

/// <summary>PostgreSQL (and the PostgreSQL-compatible domestic databases) through Npgsql.</summary>
public sealed class PostgresDialect : SqlDialect
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlDataSource readDataSource;

    /// <param name="connectionString">The primary: migrations, imports, admin writes, credential status.</param>
    /// <param name="readConnectionString">
    /// For lookups (<c>ConnectionStrings:SkillVerifyReadOnly</c>): a streaming standby, or several hosts with
    /// <c>Target Session Attributes=prefer-standby</c>. Defaults to the primary.
    /// </param>
    public PostgresDialect(string connectionString, string? readConnectionString = null)
    {
        dataSource = NpgsqlDataSource.Create(WithAutoPrepare(connectionString));
        readDataSource = string.IsNullOrWhiteSpace(readConnectionString) ? dataSource : NpgsqlDataSource.Create(WithAutoPrepare(readConnectionString));
    }

    /// <summary>Whether lookups go somewhere else than the primary.</summary>
    public override bool HasReadReplica => !ReferenceEquals(readDataSource, dataSource);

    /// <summary>
    /// Turns on Npgsql's automatic preparation (a statement run five times on a connection is prepared on the
    /// server and reused) unless the connection string sets <c>Max Auto Prepare</c> itself: the certificate
    /// lookup then skips the server's parse and plan, about twice as many lookups per second (load-tests/README.md,
    /// issue 3). Set <c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements (PgBouncer in
    /// transaction mode).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    public override string Name => DatabaseProviders.Postgres;

    public override Import.BulkWriter BulkWriter { get; } = new Import.PostgresBulkWriter();

    public override DbConnection CreateConnection() => dataSource.CreateConnection();

    public override DbConnection CreateReadConnection() => readDataSource.CreateConnection();

    /// <summary>
    /// A read is retried (twice, after 100 and 200 ms) when Npgsql calls its failure transient: a pooled
    /// connection the server cut (a standby restarted or promoted), a host that did not answer in time.
    /// </summary>
    protected override RetryStrategyOptions ReadRetry { get; } = new()
    {
        ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
        MaxRetryAttempts = 2,
        Delay = TimeSpan.FromMilliseconds(100),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = false,
    };

    /// <summary>
    /// After a write on the primary: waits (at most <paramref name="timeout"/>) until the read source has replayed
    /// the primary's WAL up to now, so an instance that drops its cached copy on the invalidation reads the new row,
    /// not the old one from a standby a few milliseconds behind. True when the read source caught up (or is the
    /// primary, or is no longer in recovery).
    /// </summary>
    public override async Task<bool> WaitForReadReplicaAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!HasReadReplica)
        {
            return true;
        }
        string lsn;
        await using (var primary = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            lsn = await primary.ExecuteScalarAsync<string>(new CommandDefinition("SELECT pg_current_wal_lsn()::text", cancellationToken: cancellationToken)) ?? "0/0";
        }
        var deadline = DateTime.UtcNow + timeout;
        await using var replica = await readDataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            // NULL replay position: the read source is not a standby (a promoted one, or the primary itself).
            var caughtUp = await replica.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= @lsn::pg_lsn", new { lsn }, cancellationToken: cancellationToken));
            if (caughtUp)
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(10, cancellationToken);
        }
    }
}
