using Microsoft.AspNetCore.OutputCaching;

namespace SkillVerify.Api.Caching;

/// <summary>
/// The output-cache store with Redis configured. Answers tagged <see cref="OutputCachePolicies.RegistryTag"/>
/// (organization lookups and search, which change with the data) are shared through Redis, behind
/// <see cref="RedisCircuit"/>, and also kept in this instance's bounded store for at most
/// <paramref name="localLifetime"/> (<c>Cache:LocalSeconds</c>), as certificate records are: a registry write evicts
/// both on every instance (<see cref="CacheInvalidator"/>, through the invalidation channel, with a second pass), and
/// an invalidation lost while Redis is down heals within that lifetime. Without the local copy every organization
/// lookup was a Redis round trip. Answers that only depend on the request (decode, levels) stay in the local store
/// only, so a flood of random codes on the decode endpoint adds nothing to Redis.
/// </summary>
public sealed class TieredOutputCacheStore(IOutputCacheStore local, IOutputCacheStore redis, RedisCircuit circuit, TimeSpan localLifetime) : IOutputCacheStore
{
    private static readonly string[] RegistryTags = [OutputCachePolicies.RegistryTag];

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (await local.GetAsync(key, cancellationToken) is { } here)
        {
            return here;
        }
        var shared = await circuit.RunAsync(ct => redis.GetAsync(key, ct).AsTask(), null, cancellationToken);
        if (shared is not null)
        {
            // Only registry answers are ever written to Redis.
            await local.SetAsync(key, shared, RegistryTags, localLifetime, cancellationToken);
        }
        return shared;
    }

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (tags is not null && tags.Contains(OutputCachePolicies.RegistryTag))
        {
            var copy = value.ToArray();
            await local.SetAsync(key, value, tags, validFor < localLifetime ? validFor : localLifetime, cancellationToken);
            await circuit.RunAsync(ct => redis.SetAsync(key, copy, tags, validFor, ct).AsTask(), cancellationToken);
        }
        else
        {
            await local.SetAsync(key, value, tags, validFor, cancellationToken);
        }
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        await local.EvictByTagAsync(tag, cancellationToken);
        await circuit.RunAsync(ct => redis.EvictByTagAsync(tag, ct).AsTask(), cancellationToken);
    }
}
