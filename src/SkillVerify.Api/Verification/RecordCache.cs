using System.ComponentModel;
using System.Data.Common;
using Microsoft.Extensions.Caching.Hybrid;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>A cached record. (Older entries may hold a null value: read as "not found".)</summary>
[ImmutableObject(true)]
public sealed record Cached<T>(T? Value, DateTimeOffset LoadedAt) where T : class;

/// <summary>A value and whether it was served from cache rather than read from the database.</summary>
public readonly record struct Lookup<T>(T? Value, bool FromCache) where T : class;

/// <summary>
/// Certificate and organization records, and the registry snapshot, read through HybridCache (bounded
/// in-process L1, Redis L2 when configured): one database query per key however many callers ask at
/// once. A certificate that is not found is cached exactly as a found one is (the same entry options in
/// every tier), so no lifetime tells a real code from an unknown one; an organization that is not found
/// (the registry is public) is remembered only in the bounded <see cref="NotFoundCache"/>, so a flood of codes
/// of unregistered issuers adds nothing to Redis. Writes evict through <see cref="CacheInvalidator"/>.
/// </summary>
public sealed class RecordCache(ISkillVerifyStore store, HybridCache cache, NotFoundCache notFound, TimeProvider time, CacheInvalidator invalidator)
{
    public static readonly TimeSpan FoundTtl = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan LocalTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SnapshotTtl = TimeSpan.FromSeconds(5);

    private static readonly HybridCacheEntryOptions FoundOptions = new() { Expiration = FoundTtl, LocalCacheExpiration = LocalTtl };
    private static readonly HybridCacheEntryOptions SnapshotOptions = new() { Expiration = SnapshotTtl, LocalCacheExpiration = SnapshotTtl };

    public static string CertificateKey(string code) => CacheKeys.Certificate(code);
    public static string OrganizationKey(string code) => CacheKeys.Organization(code);
    public const string SnapshotKey = CacheKeys.Snapshot;
    public const string RegistryTag = "registry";

    // The last snapshot read: while the database is down, answers from cached records still say which data they come from.
    private RegistrySnapshot? lastSnapshot;

    public Task<Lookup<CertificateRecord>> GetCertificateAsync(string code, CancellationToken cancellationToken) =>
        GetAsync(CertificateKey(code), code, static (s, c, ct) => s.FindCertificateAsync(c, ct), [], cancellationToken, cacheMissingLikeFound: true);

    public Task<Lookup<OrganizationRecord>> GetOrganizationAsync(string code, CancellationToken cancellationToken) =>
        GetAsync(OrganizationKey(code), code, static (s, c, ct) => s.FindOrganizationAsync(c, ct), [], cancellationToken);

    public async Task<RegistrySnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await GetAsync(SnapshotKey, "", static async (s, _, ct) => await s.GetSnapshotAsync(ct), [], cancellationToken, SnapshotOptions);
            return lastSnapshot = result.Value!;
        }
        catch (DataSourceUnavailableException) when (lastSnapshot is { } last)
        {
            return last;
        }
    }

    public async ValueTask EvictCertificateAsync(string code, CancellationToken cancellationToken = default) =>
        await invalidator.InvalidateAsync(CacheInvalidation.ForCertificates(code), cancellationToken);

    public async ValueTask EvictOrganizationAsync(string code, CancellationToken cancellationToken = default) =>
        await invalidator.InvalidateAsync(CacheInvalidation.ForOrganizations(code), cancellationToken);

    private async Task<Lookup<T>> GetAsync<T>(string key, string id, Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> load, string[] tags,
        CancellationToken cancellationToken, HybridCacheEntryOptions? options = null, bool cacheMissingLikeFound = false) where T : class
    {
        if (!cacheMissingLikeFound && notFound.Contains(key))
        {
            return new Lookup<T>(null, FromCache: true);
        }
        var state = new LoadState<T>(store, id, load, time, cacheMissingLikeFound ? null : notFound, key);
        try
        {
            var entry = await cache.GetOrCreateAsync(key, state, Factory, options ?? FoundOptions, tags, cancellationToken);
            return new Lookup<T>(entry.Value, !state.Loaded);
        }
        catch (RecordNotFoundException)
        {
            // Every caller that joined the one database query gets this; none of it was written to L1 or L2.
            return new Lookup<T>(null, !state.Loaded);
        }
        catch (DbException ex)
        {
            throw new DataSourceUnavailableException("The database could not be read.", ex);
        }

        static async ValueTask<Cached<T>> Factory(LoadState<T> s, CancellationToken ct)
        {
            s.Loaded = true;
            var value = await s.Load(s.Store, s.Id, ct);
            if (value is null && s.NotFound is null)
            {
                // Stored like a record, in L1 and L2 for the same time: a miss and a hit age alike.
                return new Cached<T>(null, s.Time.GetUtcNow());
            }
            if (value is null)
            {
                // Remembered before the waiting callers are released, so late arrivals do not query again.
                s.NotFound!.Add(s.Key);
                throw new RecordNotFoundException();
            }
            return new Cached<T>(value, s.Time.GetUtcNow());
        }
    }

    /// <summary>How the factory says "not found" without HybridCache storing anything: exceptions are never cached.</summary>
    private sealed class RecordNotFoundException : Exception;

    private sealed class LoadState<T>(ISkillVerifyStore store, string id, Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> load, TimeProvider time,
        NotFoundCache? notFound, string key) where T : class
    {
        public TimeProvider Time => time;
        public ISkillVerifyStore Store => store;
        public string Id => id;
        public Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> Load => load;
        public NotFoundCache? NotFound => notFound;
        public string Key => key;
        public bool Loaded { get; set; }
    }
}
