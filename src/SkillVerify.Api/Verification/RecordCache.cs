using System.ComponentModel;
using System.Data.Common;
using Microsoft.Extensions.Caching.Hybrid;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>A cached lookup result; a null value is a cached "not found".</summary>
[ImmutableObject(true)]
public sealed record Cached<T>(T? Value, DateTimeOffset LoadedAt) where T : class;

/// <summary>A value and whether it was served from cache rather than read from the database.</summary>
public readonly record struct Lookup<T>(T? Value, bool FromCache) where T : class;

/// <summary>
/// Certificate and organization records, and the registry snapshot, read through HybridCache: one
/// database query per key however many callers ask at once, "not found" cached briefly, tags so
/// a write evicts what it changed.
/// </summary>
public sealed class RecordCache(ISkillVerifyStore store, HybridCache cache, TimeProvider time)
{
    public static readonly TimeSpan FoundTtl = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan NotFoundTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SnapshotTtl = TimeSpan.FromSeconds(5);

    private static readonly HybridCacheEntryOptions FoundOptions = new() { Expiration = FoundTtl, LocalCacheExpiration = FoundTtl };
    private static readonly HybridCacheEntryOptions SnapshotOptions = new() { Expiration = SnapshotTtl, LocalCacheExpiration = SnapshotTtl };

    public static string CertificateKey(string code) => "cert:" + code;
    public static string OrganizationKey(string code) => "org:" + code;
    public const string SnapshotKey = "registry:snapshot";
    public const string RegistryTag = "registry";

    public Task<Lookup<CertificateRecord>> GetCertificateAsync(string code, CancellationToken cancellationToken) =>
        GetAsync(CertificateKey(code), code, static (s, c, ct) => s.FindCertificateAsync(c, ct), [], cancellationToken);

    public Task<Lookup<OrganizationRecord>> GetOrganizationAsync(string code, CancellationToken cancellationToken) =>
        GetAsync(OrganizationKey(code), code, static (s, c, ct) => s.FindOrganizationAsync(c, ct), [RegistryTag], cancellationToken);

    public async Task<RegistrySnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var result = await GetAsync(SnapshotKey, "", static async (s, _, ct) => await s.GetSnapshotAsync(ct), [RegistryTag], cancellationToken, SnapshotOptions);
        return result.Value!;
    }

    public ValueTask EvictCertificateAsync(string code, CancellationToken cancellationToken = default) => cache.RemoveAsync(CertificateKey(code), cancellationToken);

    public async ValueTask EvictOrganizationAsync(string code, CancellationToken cancellationToken = default)
    {
        await cache.RemoveAsync(OrganizationKey(code), cancellationToken);
        await cache.RemoveAsync(SnapshotKey, cancellationToken);
    }

    private async Task<Lookup<T>> GetAsync<T>(string key, string id, Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> load, string[] tags,
        CancellationToken cancellationToken, HybridCacheEntryOptions? options = null) where T : class
    {
        var state = new LoadState<T>(store, id, load, time);
        try
        {
            var entry = await cache.GetOrCreateAsync(key, state, Factory, options ?? FoundOptions, tags, cancellationToken);
            // "Not found" lives shorter than a record: once it is older than NotFoundTtl, ask the database again.
            // (Checked on read rather than by a second TTL, so concurrent callers still share one load.)
            if (entry.Value is null && !state.Loaded && time.GetUtcNow() - entry.LoadedAt > NotFoundTtl)
            {
                await cache.RemoveAsync(key, cancellationToken);
                entry = await cache.GetOrCreateAsync(key, state, Factory, options ?? FoundOptions, tags, cancellationToken);
            }
            return new Lookup<T>(entry.Value, !state.Loaded);
        }
        catch (DbException ex)
        {
            throw new DataSourceUnavailableException("The database could not be read.", ex);
        }

        static async ValueTask<Cached<T>> Factory(LoadState<T> s, CancellationToken ct)
        {
            s.Loaded = true;
            return new Cached<T>(await s.Load(s.Store, s.Id, ct), s.Time.GetUtcNow());
        }
    }

    private sealed class LoadState<T>(ISkillVerifyStore store, string id, Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> load, TimeProvider time) where T : class
    {
        public TimeProvider Time => time;
        public ISkillVerifyStore Store => store;
        public string Id => id;
        public Func<ISkillVerifyStore, string, CancellationToken, Task<T?>> Load => load;
        public bool Loaded { get; set; }
    }
}
