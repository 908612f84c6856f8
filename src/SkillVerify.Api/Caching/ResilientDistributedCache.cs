using Microsoft.Extensions.Caching.Distributed;

namespace SkillVerify.Api.Caching;

/// <summary>
/// HybridCache's L2: Redis behind <see cref="RedisCircuit"/>. A failed or slow read is a miss, a failed
/// write is dropped. Values are copied before they go to Redis, because a call abandoned at its timeout
/// may still be sending while the caller recycles its buffer.
/// </summary>
public sealed class ResilientDistributedCache(IDistributedCache redis, RedisCircuit circuit) : IDistributedCache
{
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        circuit.RunAsync(ct => redis.GetAsync(key, ct), null, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var copy = value.ToArray();
        return circuit.RunAsync(ct => redis.SetAsync(key, copy, options, ct), token);
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) => circuit.RunAsync(ct => redis.RefreshAsync(key, ct), token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) => circuit.RunAsync(ct => redis.RemoveAsync(key, ct), token);
}
