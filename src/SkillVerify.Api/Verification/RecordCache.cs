using System.Data.Common;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Domain.Verification;
using ZiggyCreatures.Caching.Fusion;

namespace SkillVerify.Api.Verification;

/// <summary>A value (null: not found) and whether it was served from cache rather than read from the database.</summary>
public readonly record struct Cached<T>(T? Value, bool FromCache) where T : class
{
    /// <summary>What the checks are given: found or not found (a database that does not answer throws instead).</summary>
    public Lookup<T> Lookup => Lookup<T>.Of(Value);
}

/// <summary>
/// Certificate and organization records, and the registry snapshot, read through FusionCache (see
/// <see cref="CachingExtensions.AddCaching"/>): one database query per key however many callers ask at once.
/// A certificate that is not found is cached exactly as a found one is (the same entry options in every
/// level), so no lifetime tells a real code from an unknown one; an organization that is not found (the
/// registry is public) is kept in process only, for <c>Cache:NotFoundSeconds</c>, so a flood of codes of
/// unregistered issuers adds nothing to Redis. Writes evict through <see cref="CacheInvalidator"/>.
/// </summary>
public sealed class RecordCache(ISkillVerifyStore store, IFusionCache cache, IOptions<CacheOptions> options, KnownCodes known)
{
    // A code the in-memory filter rules out is not found, from memory (KnownCodes): no cache, no database.
    private static readonly Task<Cached<CertificateRecord>> NoCertificate = Task.FromResult(new Cached<CertificateRecord>(null, FromCache: true));

    private static readonly TimeSpan SnapshotTtl = TimeSpan.FromSeconds(5);

    private readonly TimeSpan notFoundTtl = TimeSpan.FromSeconds(options.Value.NotFoundSeconds);

    // The snapshot is re-read every few seconds; while the database is down the last one read is kept (fail-safe),
    // so answers from cached records still say which data they come from.
    private readonly FusionCacheEntryOptions snapshotOptions = cache.CreateEntryOptions(o =>
    {
        o.Duration = SnapshotTtl;
        o.MemoryCacheDuration = SnapshotTtl;
        o.FailSafeMaxDuration = TimeSpan.FromDays(1);
        o.DistributedCacheFailSafeMaxDuration = TimeSpan.FromDays(1);
        o.FailSafeThrottleDuration = SnapshotTtl;
    });

    public Task<Cached<CertificateRecord>> GetCertificateAsync(string code, CancellationToken cancellationToken) => known.RulesOutCertificate(code) ? NoCertificate :
        GetCertificateThroughCacheAsync(code, cancellationToken);

    private async Task<Cached<CertificateRecord>> GetCertificateThroughCacheAsync(string code, CancellationToken cancellationToken)
    {
        var cached = await GetAsync(CacheKeys.Certificate(code), code, static (s, c, ct) => s.FindCertificateAsync(c, ct), missingStaysLocal: false, cancellationToken);
        // Written to Redis by a build whose serializer wrote a null ID hash as "" (dotnet/runtime#129833; SharedCache): no ID on record.
        return cached.Value is { IdHash.Length: 0 } r ? cached with { Value = r with { IdHash = null } } : cached;
    }

    /// <summary>From the in-memory registry when it answers (<see cref="KnownCodes.TryGetOrganization"/>: no cache, no database), else through the cache.</summary>
    public ValueTask<Cached<OrganizationRecord>> GetOrganizationAsync(string code, CancellationToken cancellationToken) =>
        known.TryGetOrganization(code, out var organization) ? new(new Cached<OrganizationRecord>(organization, FromCache: true)) :
        new(GetAsync(CacheKeys.Organization(code), code, static (s, c, ct) => s.FindOrganizationAsync(c, ct), missingStaysLocal: true, cancellationToken));

    public async Task<RegistrySnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetOrSetAsync<RegistrySnapshot>(CacheKeys.Snapshot, async (_, ct) => await store.GetSnapshotAsync(ct), snapshotOptions, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new DataSourceUnavailableException("The database could not be read.", ex);
        }
    }

    private async Task<Cached<T>> GetAsync<T>(string key, string id, Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> load, bool missingStaysLocal,
        CancellationToken cancellationToken) where T : class
    {
        // Set only once the database answered: a value served by fail-safe while the database is down still counts as cached.
        var loaded = false;
        try
        {
            var value = await cache.GetOrSetAsync<T?>(key, async (context, ct) =>
            {
                var value = await load(store, id, ct);
                loaded = true;
                if (value is null && missingStaysLocal)
                {
                    context.Options.Duration = notFoundTtl;
                    context.Options.MemoryCacheDuration = notFoundTtl;
                    context.Options.SkipDistributedCacheWrite = true;
                }
                return value;
            }, token: cancellationToken);
            return new Cached<T>(value, !loaded);
        }
        catch (DbException ex)
        {
            // Exceptions are never cached: every caller that joined the one query gets this, and the next one asks again.
            throw new DataSourceUnavailableException("The database could not be read.", ex);
        }
    }
}
