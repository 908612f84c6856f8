using System.Data.Common;
using Dapper;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data;

/// <summary>The store over any <see cref="SqlDialect"/>: the same queries, column lists and mapping for every engine.</summary>
public sealed class DapperStore : ISkillVerifyStore
{
    private readonly SqlDialect dialect;
    private readonly TimeProvider time;
    private readonly int commandTimeout;

    public DapperStore(SqlDialect dialect, TimeProvider time, int commandTimeoutSeconds = 5)
    {
        TypeHandlers.Register();
        this.dialect = dialect;
        this.time = time;
        commandTimeout = commandTimeoutSeconds;
    }

    public string Provider => dialect.Name;

    public SqlDialect Dialect => dialect;

    public async Task MigrateAsync(CancellationToken cancellationToken = default) => await ApplyMigrationsAsync(cancellationToken);

    /// <summary>Applies the schema scripts not yet applied, in name order; returns the names of those it applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken cancellationToken = default)
    {
        var done = new List<string>();
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(dialect.JournalDdl);
        var applied = (await connection.QueryAsync<string>(StoreSql.AppliedMigrations)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, sql) in dialect.MigrationScripts())
        {
            if (applied.Contains(name))
            {
                continue;
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in dialect.SplitStatements(sql))
            {
                await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, commandTimeout: 600, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition(
                StoreSql.RecordMigration,
                new { name, at = time.GetUtcNow().ToString("O") }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            done.Add(name);
        }
        return done;
    }

    public Task<bool> CanConnectAsync(CancellationToken cancellationToken = default) => AnswersAsync(dialect.CreateConnection(), cancellationToken);

    public Task<bool> CanReadAsync(CancellationToken cancellationToken = default) => AnswersAsync(dialect.CreateReadConnection(), cancellationToken);

    private async Task<bool> AnswersAsync(DbConnection unopened, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(unopened, cancellationToken);
            return await connection.ExecuteScalarAsync<int>(Command(StoreSql.SelectOne, null, cancellationToken)) == 1;
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            return false;
        }
    }

    public Task<CertificateRecord?> FindCertificateAsync(string code, CancellationToken cancellationToken = default) =>
        dialect.ReadAsync(ct => FindCertificateOnceAsync(code, ct), cancellationToken);

    public Task<CertificateRecord?> FindCertificateOnPrimaryAsync(string code, CancellationToken cancellationToken = default) =>
        FindCertificateOnceAsync(code, cancellationToken, primary: true);

    private async Task<CertificateRecord?> FindCertificateOnceAsync(string code, CancellationToken cancellationToken, bool primary = false)
    {
        var sql = StoreSql.FindCertificate;
        await using var connection = primary ? await OpenAsync(cancellationToken) : await OpenReadAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CertificateRow>(Command(sql, new { code }, cancellationToken));
        return row?.ToRecord();
    }

    public Task<OrganizationRecord?> FindOrganizationAsync(string organizationCode, CancellationToken cancellationToken = default) =>
        dialect.ReadAsync(ct => FindOrganizationOnceAsync(organizationCode, ct), cancellationToken);

    public Task<OrganizationRecord?> FindOrganizationOnPrimaryAsync(string organizationCode, CancellationToken cancellationToken = default) =>
        FindOrganizationOnceAsync(organizationCode, cancellationToken, primary: true);

    private async Task<OrganizationRecord?> FindOrganizationOnceAsync(string organizationCode, CancellationToken cancellationToken, bool primary = false)
    {
        var sql = StoreSql.FindOrganization;
        await using var connection = primary ? await OpenAsync(cancellationToken) : await OpenReadAsync(cancellationToken);
        await using var grid = await connection.QueryMultipleAsync(Command(sql, new { code = organizationCode }, cancellationToken));
        var org = await grid.ReadSingleOrDefaultAsync<OrganizationRow>();
        if (org is null)
        {
            return null;
        }
        var rows = await grid.ReadAsync<StatusEventRow>();
        var corrections = (await grid.ReadAsync<CorrectionRow>()).ToDictionary(c => c.CorrectsSeq);
        return ToRecord(org, rows, corrections, await grid.ReadAsync<ScopeRow>(), await grid.ReadAsync<AliasRow>(), await grid.ReadAsync<QualityRow>());
    }

    /// <summary>
    /// The whole registry. Each result set is read row by row, and the rows of one owner (adjacent: each set is ordered
    /// by it) become one exact-length array on that owner's parts. Buffered whole and grouped, the sets of 100,000
    /// organizations (some 300,000 scope rows) would be held at once, promoted to gen2 and the large-object heap while
    /// the read lasts, and left there as garbage. The strings that repeat across the registry (statuses, occupation
    /// codes and names, level lists, results) are kept once, which is most of a record's size.
    /// </summary>
    public async Task<IReadOnlyList<OrganizationRecord>> ReadAllOrganizationsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(StoreSql.AllOrganizations, commandTimeout: 600, cancellationToken: cancellationToken));
        var pool = new HashSet<string>(StringComparer.Ordinal);
        string Share(string value)
        {
            if (pool.TryGetValue(value, out var kept))
            {
                return kept;
            }
            pool.Add(value);
            return value;
        }
        string? ShareOrNull(string? value) => value is null ? null : Share(value);
        var parts = new Dictionary<string, RegistryParts>(StringComparer.Ordinal);
        await foreach (var o in grid.ReadUnbufferedAsync<OrganizationRow>().WithCancellation(cancellationToken))
        {
            parts[o.Code] = new RegistryParts(o with { Province = Share(o.Province) });
        }
        // Each child row with its owner first, as a tuple (mapped by position). Corrections come before the events they retract.
        var retractions = new Dictionary<(string Owner, long Seq), StatusRetraction>();
        await foreach (var c in grid.ReadUnbufferedAsync<(string Owner, long CorrectsSeq, string Reason, DateTimeOffset RecordedAt)>().WithCancellation(cancellationToken))
        {
            retractions[(c.Owner, c.CorrectsSeq)] = new StatusRetraction(c.Reason, c.RecordedAt);
        }
        await ReadByOwnerAsync(grid.ReadUnbufferedAsync<(string Owner, DateOnly EffectiveDate, string Status, string? Reason, long Seq)>(), parts, e => e.Owner,
            e => new StatusEvent(Share(e.Status), e.EffectiveDate, ShareOrNull(e.Reason), e.Seq, retractions.GetValueOrDefault((e.Owner, e.Seq))),
            (p, run) => p.Events = [.. p.Events, .. run], cancellationToken);
        await ReadByOwnerAsync(grid.ReadUnbufferedAsync<(string Owner, string OccupationCode, string WorkType, DateOnly ValidFrom, string OccupationName, string Levels, DateOnly? ValidTo)>(), parts, s => s.Owner,
            s => ToScope(Share(s.OccupationCode), Share(s.OccupationName), Share(s.WorkType), Share(s.Levels), s.ValidFrom, s.ValidTo),
            (p, run) => p.Scope = [.. p.Scope, .. run], cancellationToken);
        await ReadByOwnerAsync(grid.ReadUnbufferedAsync<(string Owner, string Alias, string LevelCode)>(), parts, a => a.Owner,
            a => ToAlias(a.Alias, a.LevelCode),
            (p, run) => p.Aliases = [.. p.Aliases, .. run], cancellationToken);
        await ReadByOwnerAsync(grid.ReadUnbufferedAsync<(string Owner, DateOnly PublishedOn, string Result, string? Note)>(), parts, q => q.Owner,
            q => new QualityResult(q.PublishedOn, Share(q.Result), ShareOrNull(q.Note)),
            (p, run) => p.Quality = [.. p.Quality, .. run], cancellationToken);
        var records = new List<OrganizationRecord>(parts.Count);
        foreach (var p in parts.Values)
        {
            records.Add(ToRecord(p.Organization, p.Events, p.Scope, p.Aliases, p.Quality));
        }
        return records;
    }

    /// <summary>One result set into its owners' parts: each run of one owner's rows is added to that owner's array (an owner seen again later is added to, not replaced).</summary>
    private static async Task ReadByOwnerAsync<TRow, T>(IAsyncEnumerable<TRow> rows, Dictionary<string, RegistryParts> parts, Func<TRow, string> ownerOf,
        Func<TRow, T> make, Action<RegistryParts, List<T>> add, CancellationToken cancellationToken)
    {
        var run = new List<T>();
        RegistryParts? owner = null;
        string? current = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var code = ownerOf(row);
            if (!string.Equals(code, current, StringComparison.Ordinal))
            {
                Flush();
                current = code;
                owner = parts.GetValueOrDefault(code);
            }
            if (owner is not null)
            {
                run.Add(make(row));
            }
        }
        Flush();

        void Flush()
        {
            if (owner is not null && run.Count > 0)
            {
                add(owner, run);
            }
            run.Clear();
        }
    }

    /// <summary>One organization while the registry is read.</summary>
    private sealed class RegistryParts(OrganizationRow organization)
    {
        public OrganizationRow Organization { get; } = organization;
        public StatusEvent[] Events { get; set; } = [];
        public ScopeEntry[] Scope { get; set; } = [];
        public OrganizationAlias[] Aliases { get; set; } = [];
        public QualityResult[] Quality { get; set; } = [];
    }

    private static OrganizationRecord ToRecord(OrganizationRow org, IEnumerable<StatusEventRow> rows, Dictionary<long, CorrectionRow> corrections,
        IEnumerable<ScopeRow> scopes, IEnumerable<AliasRow> aliases, IEnumerable<QualityRow> quality) =>
        ToRecord(org,
            [.. rows.Select(e => new StatusEvent(e.Status, e.EffectiveDate, e.Reason, e.Seq,
                corrections.TryGetValue(e.Seq, out var c) ? new StatusRetraction(c.Reason, c.RecordedAt) : null))],
            [.. scopes.Select(s => ToScope(s.OccupationCode, s.OccupationName, s.WorkType, s.Levels, s.ValidFrom, s.ValidTo))],
            [.. aliases.Select(a => ToAlias(a.Alias, a.LevelCode))],
            [.. quality.Select(q => new QualityResult(q.PublishedOn, q.Result, q.Note))]);

    /// <summary>A registry entry from its row and its children, as both the one-organization and the whole-registry reads make it.</summary>
    private static OrganizationRecord ToRecord(OrganizationRow o, IReadOnlyList<StatusEvent> events, IReadOnlyList<ScopeEntry> scope,
        IReadOnlyList<OrganizationAlias> aliases, IReadOnlyList<QualityResult> quality) =>
        new(o.Code, o.Type[0], o.Name, o.Province, o.ParentCode, o.Address, o.Contact, o.RegisteredFrom, o.RegisteredTo, events, scope, aliases, quality, o.UpdatedAt);

    /// <summary>A scope row as an entry: the work type column is part of the key and stores '' for "the whole occupation", which the entry holds as null.</summary>
    private static ScopeEntry ToScope(string occupationCode, string occupationName, string workType, string levels, DateOnly validFrom, DateOnly? validTo) =>
        new(occupationCode, occupationName, workType.Length == 0 ? null : workType, levels, validFrom, validTo);

    private static OrganizationAlias ToAlias(string alias, string levelCode) => new(alias, levelCode[0]);

    public Task<OrganizationPage> SearchOrganizationsAsync(OrganizationQuery query, CancellationToken cancellationToken = default) =>
        dialect.ReadAsync(ct => SearchOrganizationsOnceAsync(query, ct), cancellationToken);

    private async Task<OrganizationPage> SearchOrganizationsOnceAsync(OrganizationQuery query, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        var sql = StoreSql.SearchOrganizations(dialect, query.Province is not null, query.Type is not null, text is not null, query.Occupation is not null);
        var parameters = new
        {
            query.Province,
            Type = query.Type?.ToString(),
            Text = text is null ? null : EscapeLike(text),
            query.Occupation,
            Skip = (query.Page - 1) * query.PageSize,
            Take = query.PageSize,
        };
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var grid = await connection.QueryMultipleAsync(Command(sql, parameters, cancellationToken));
        var total = await grid.ReadSingleAsync<long>();
        var items = (await grid.ReadAsync<(string Code, string Type, string Name, string Province, string? ParentCode, DateOnly RegisteredFrom, DateOnly? RegisteredTo)>())
            .Select(r => new OrganizationSummary(r.Code, r.Type[0], r.Name, r.Province, r.ParentCode, r.RegisteredFrom, r.RegisteredTo))
            .ToList();
        return new OrganizationPage(items, query.Page, query.PageSize, total);
    }

    public Task<RegistrySnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default) =>
        dialect.ReadAsync(ct => GetSnapshotOnceAsync(ct), cancellationToken);

    private async Task<RegistrySnapshot> GetSnapshotOnceAsync(CancellationToken cancellationToken)
    {
        var sql = StoreSql.Snapshot;
        await using var connection = await OpenReadAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<SnapshotRow>(Command(sql, null, cancellationToken));
        return new RegistrySnapshot(row.Version, row.UpdatedAt);
    }

    public Task<long> CountCertificatesAsync(CancellationToken cancellationToken = default) =>
        dialect.ReadAsync(ct => CountCertificatesOnceAsync(ct), cancellationToken);

    private async Task<long> CountCertificatesOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(Command(StoreSql.CountCertificates, null, cancellationToken));
    }

    public IAsyncEnumerable<string> StreamCertificateCodesAsync(CancellationToken cancellationToken = default) => StreamCodesAsync(StoreSql.AllCertificateCodes, cancellationToken);

    /// <summary>One column read row by row (10M codes never sit in one list); from the primary, so codes committed just before are in.</summary>
    private async IAsyncEnumerable<string> StreamCodesAsync(string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0);
        }
    }

    public async Task<bool> RevokeCertificateAsync(string code, DateOnly effectiveDate, string reason, CancellationToken cancellationToken = default)
    {
        var sql = StoreSql.RevokeCertificate;
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(Command(sql, new { code, effectiveDate, reason, now = time.GetUtcNow() }, cancellationToken));
        await ReadReplicaCaughtUpAsync(cancellationToken);
        return rows > 0;
    }

    public async Task<long?> AddStatusEventAsync(string organizationCode, StatusEvent statusEvent, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            StoreSql.OrganizationExists, new { organizationCode }, transaction, commandTimeout, cancellationToken: cancellationToken));
        if (exists == 0)
        {
            return null;
        }
        var key = new { OrganizationCode = organizationCode, statusEvent.EffectiveDate, statusEvent.Status, statusEvent.Reason };
        await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.StatusEvents), key, transaction, commandTimeout, cancellationToken: cancellationToken));
        var seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(StoreSql.StatusEventSeq, key, transaction, commandTimeout, cancellationToken: cancellationToken));
        await TouchAsync(connection, transaction, organizationCode, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ReadReplicaCaughtUpAsync(cancellationToken);
        return seq;
    }

    public async Task<CorrectionOutcome> RetractStatusEventAsync(string organizationCode, long seq, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int events, corrections;
        await using (var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            StoreSql.StatusEventState, new { organizationCode, seq }, transaction, commandTimeout, cancellationToken: cancellationToken)))
        {
            events = await grid.ReadSingleAsync<int>();
            corrections = await grid.ReadSingleAsync<int>();
        }
        if (events == 0)
        {
            return CorrectionOutcome.NoSuchEvent;
        }
        if (corrections > 0)
        {
            return CorrectionOutcome.AlreadyRetracted;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            StoreSql.InsertCorrection, new { organizationCode, seq, reason, now = time.GetUtcNow() }, transaction, commandTimeout, cancellationToken: cancellationToken));
        await TouchAsync(connection, transaction, organizationCode, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ReadReplicaCaughtUpAsync(cancellationToken);
        return CorrectionOutcome.Retracted;
    }

    /// <summary>A registry write: the organization's updated_at and the registry snapshot move on.</summary>
    private async Task TouchAsync(DbConnection connection, DbTransaction transaction, string organizationCode, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            StoreSql.TouchOrganization, new { organizationCode, now = time.GetUtcNow() }, transaction, commandTimeout, cancellationToken: cancellationToken));
        await BumpSnapshotAsync(connection, transaction, cancellationToken);
    }

    public async Task UpsertOrganizationsAsync(IReadOnlyList<OrganizationRecord> organizations, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var o in organizations)
        {
            await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.Organizations), new
            {
                o.Code,
                Type = o.Type.ToString(),
                o.Name,
                o.Province,
                o.ParentCode,
                o.Address,
                o.Contact,
                o.RegisteredFrom,
                o.RegisteredTo,
                o.UpdatedAt,
            }, transaction, commandTimeout, cancellationToken: cancellationToken));
            foreach (var e in o.StatusHistory)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.StatusEvents),
                    new { OrganizationCode = o.Code, e.EffectiveDate, e.Status, e.Reason }, transaction, commandTimeout, cancellationToken: cancellationToken));
            }
            foreach (var s in o.Scope)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.Scopes), new
                {
                    OrganizationCode = o.Code,
                    s.OccupationCode,
                    s.OccupationName,
                    WorkType = s.WorkType ?? "",
                    s.Levels,
                    s.ValidFrom,
                    s.ValidTo,
                }, transaction, commandTimeout, cancellationToken: cancellationToken));
            }
            foreach (var a in o.Aliases)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.Aliases),
                    new { OrganizationCode = o.Code, a.Alias, LevelCode = a.LevelCode.ToString() }, transaction, commandTimeout, cancellationToken: cancellationToken));
            }
            foreach (var q in o.QualityResults)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.QualityResults),
                    new { OrganizationCode = o.Code, q.PublishedOn, q.Result, q.Note }, transaction, commandTimeout, cancellationToken: cancellationToken));
            }
        }
        await BumpSnapshotAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ReadReplicaCaughtUpAsync(cancellationToken);
    }

    public async Task UpsertCertificatesAsync(IReadOnlyList<CertificateRecord> certificates, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var c in certificates)
        {
            await connection.ExecuteAsync(new CommandDefinition(dialect.Upsert(Tables.Certificates), CertificateRow.Parameters(c), transaction, commandTimeout, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        await ReadReplicaCaughtUpAsync(cancellationToken);
    }

    /// <summary>
    /// After a committed write, with a read replica: waits (at most the command timeout) until the replica has
    /// replayed it, so the invalidation that follows makes every instance read the new row, not the old one again.
    /// The write stands either way: a replica that is behind or unreachable only delays what readers see, and
    /// the answer is false then.
    /// </summary>
    private async Task<bool> ReadReplicaCaughtUpAsync(CancellationToken cancellationToken)
    {
        if (!dialect.HasReadReplica)
        {
            return true;
        }
        try
        {
            return await dialect.WaitForReadReplicaAsync(TimeSpan.FromSeconds(commandTimeout), cancellationToken);
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            return false;
        }
    }

    private async Task BumpSnapshotAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            StoreSql.BumpSnapshot,
            new { now = time.GetUtcNow() }, transaction, commandTimeout, cancellationToken: cancellationToken));

    private Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(dialect.CreateConnection(), cancellationToken);

    private Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) => OpenAsync(dialect.CreateReadConnection(), cancellationToken);

    private static async Task<DbConnection> OpenAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, commandTimeout: commandTimeout, cancellationToken: cancellationToken);

    /// <summary>
    /// Search text as a LIKE pattern that matches it literally: the escape character (<c>!</c>, the same on SQLite,
    /// PostgreSQL and SQL Server, where a backslash would mean different things) before itself, <c>%</c>, <c>_</c> and
    /// <c>[</c> (a character class on SQL Server).
    /// </summary>
    internal static string EscapeLike(string text) =>
        text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_").Replace("[", "![");
}
