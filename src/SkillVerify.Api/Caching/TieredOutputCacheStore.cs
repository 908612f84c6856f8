using Microsoft.AspNetCore.OutputCaching;

namespace SkillVerify.Api.Caching;

/// <summary>
/// The output-cache store with Redis configured. Answers tagged <see cref="OutputCachePolicies.RegistryTag"/>
/// (organization lookups and search, which change with the data) are shared through Redis, behind
/// <see cref="RedisCircuit"/>; answers that only depend on the request (decode, levels) stay in a bounded
/// in-process store, so a flood of random codes on the decode endpoint adds nothing to Redis.
/// </summary>
public sealed class TieredOutputCacheStore(IOutputCacheStore local, IOutputCacheStore redis, RedisCircuit circuit) : IOutputCacheStore
{
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        await local.GetAsync(key, cancellationToken)
        ?? await circuit.RunAsync(ct => redis.GetAsync(key, ct).AsTask(), null, cancellationToken);

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (tags is not null && tags.Contains(OutputCachePolicies.RegistryTag))
        {
            var copy = value.ToArray();
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
