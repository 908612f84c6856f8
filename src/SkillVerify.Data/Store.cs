using SkillVerify.Domain.Verification;

namespace SkillVerify.Data;

/// <summary>One store interface over every engine (SQLite, SQL Server, PostgreSQL).</summary>
public interface ISkillVerifyStore
{
    string Provider { get; }

    /// <summary>Applies the schema scripts not yet applied, idempotently.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the primary answers a query.</summary>
    Task<bool> CanConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the read side answers a query: the read replica when there is one, else the primary.</summary>
    Task<bool> CanReadAsync(CancellationToken cancellationToken = default);

    Task<CertificateRecord?> FindCertificateAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>The certificate as the primary holds it (not a read replica that may lag): for a write that checks before it writes.</summary>
    Task<CertificateRecord?> FindCertificateOnPrimaryAsync(string code, CancellationToken cancellationToken = default);

    Task<OrganizationRecord?> FindOrganizationAsync(string organizationCode, CancellationToken cancellationToken = default);

    /// <summary>The organization as the primary holds it (not a read replica that may lag): the API's in-memory registry reloads it after a write.</summary>
    Task<OrganizationRecord?> FindOrganizationOnPrimaryAsync(string organizationCode, CancellationToken cancellationToken = default);

    /// <summary>Every organization of the registry with all it holds, from the primary, in one batch of queries (the API's in-memory registry).</summary>
    Task<IReadOnlyList<OrganizationRecord>> ReadAllOrganizationsAsync(CancellationToken cancellationToken = default);

    Task<OrganizationPage> SearchOrganizationsAsync(OrganizationQuery query, CancellationToken cancellationToken = default);

    Task<RegistrySnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);

    Task<long> CountCertificatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every certificate code, streamed from the primary in no set order (the API builds its filter of issued codes from it).</summary>
    IAsyncEnumerable<string> StreamCertificateCodesAsync(CancellationToken cancellationToken = default);


    /// <summary>Marks a certificate revoked (撤销). False when no such certificate exists.</summary>
    Task<bool> RevokeCertificateAsync(string code, DateOnly effectiveDate, string reason, CancellationToken cancellationToken = default);

    /// <summary>Records a registry status change of an organization: the event's sequence number, null when no such organization exists.</summary>
    Task<long?> AddStatusEventAsync(string organizationCode, StatusEvent statusEvent, CancellationToken cancellationToken = default);

    /// <summary>Records a correction that retracts status event <paramref name="seq"/> (append-only: the event stays, marked retracted).</summary>
    Task<CorrectionOutcome> RetractStatusEventAsync(string organizationCode, long seq, string reason, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates organizations with their history, scope, aliases and quality results; bumps the registry snapshot.</summary>
    Task UpsertOrganizationsAsync(IReadOnlyList<OrganizationRecord> organizations, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates certificates by code, in one transaction.</summary>
    Task UpsertCertificatesAsync(IReadOnlyList<CertificateRecord> certificates, CancellationToken cancellationToken = default);
}

public enum CorrectionOutcome
{
    Retracted,
    NoSuchEvent,
    AlreadyRetracted,
}

public sealed record OrganizationQuery(string? Province, char? Type, string? Text, string? Occupation, int Page, int PageSize);

public sealed record OrganizationSummary(string Code, char Type, string Name, string Province, string? ParentCode, DateOnly RegisteredFrom, DateOnly? RegisteredTo);

public sealed record OrganizationPage(IReadOnlyList<OrganizationSummary> Items, int Page, int PageSize, long Total);

/// <summary>The version of the registry data, bumped on every registry change.</summary>
public sealed record RegistrySnapshot(long Version, DateTimeOffset UpdatedAt);
