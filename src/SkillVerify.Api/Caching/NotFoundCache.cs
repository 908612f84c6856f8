using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace SkillVerify.Api.Caching;

/// <summary>
/// "Not found" answers, remembered briefly and in process only: a flood of random codes fills at most
/// <see cref="CacheOptions.MaxNotFoundEntries"/> entries here and adds nothing to Redis. An import
/// or a write evicts the codes it adds, so a new certificate shows at once on every instance, and
/// otherwise within <see cref="CacheOptions.NotFoundSeconds"/>.
/// </summary>
public sealed class NotFoundCache(IOptions<CacheOptions> options) : IDisposable
{
    private static readonly object Marker = new();
    private readonly BoundedMemoryCache entries = new(options.Value.MaxNotFoundEntries);
    private readonly TimeSpan ttl = TimeSpan.FromSeconds(options.Value.NotFoundSeconds);

    public int Count => entries.Count;

    public int MaxEntries => entries.MaxEntries;

    public bool Contains(string key) => entries.TryGetValue(key, out _);

    public void Add(string key) => entries.Set(key, Marker, ttl);

    public void Remove(string key) => entries.Remove(key);

    public void Clear() => entries.Clear();

    public void Dispose() => entries.Dispose();
}
