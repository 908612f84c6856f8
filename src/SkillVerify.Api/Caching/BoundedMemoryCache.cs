using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace SkillVerify.Api.Caching;

/// <summary>
/// The in-process cache (HybridCache's L1, and the not-found cache) bounded by a number of entries: each
/// entry counts one, whatever size its writer claims, so a flood of keys cannot grow memory without bound.
/// Past the bound new entries are refused and the oldest are compacted away.
/// </summary>
public sealed class BoundedMemoryCache : IMemoryCache
{
    private readonly MemoryCache inner;

    public BoundedMemoryCache(int maxEntries)
    {
        MaxEntries = maxEntries;
        inner = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, CompactionPercentage = 0.10 });
    }

    public int MaxEntries { get; }

    public int Count => inner.Count;

    public ICacheEntry CreateEntry(object key) => new CountedEntry(inner.CreateEntry(key));

    public void Remove(object key) => inner.Remove(key);

    public bool TryGetValue(object key, out object? value) => inner.TryGetValue(key, out value);

    public void Clear() => inner.Clear();

    public void Dispose() => inner.Dispose();

    private sealed class CountedEntry : ICacheEntry
    {
        private readonly ICacheEntry inner;

        public CountedEntry(ICacheEntry inner)
        {
            this.inner = inner;
            inner.Size = 1;
        }

        public object Key => inner.Key;

        public object? Value { get => inner.Value; set => inner.Value = value; }

        public DateTimeOffset? AbsoluteExpiration { get => inner.AbsoluteExpiration; set => inner.AbsoluteExpiration = value; }

        public TimeSpan? AbsoluteExpirationRelativeToNow { get => inner.AbsoluteExpirationRelativeToNow; set => inner.AbsoluteExpirationRelativeToNow = value; }

        public TimeSpan? SlidingExpiration { get => inner.SlidingExpiration; set => inner.SlidingExpiration = value; }

        public IList<IChangeToken> ExpirationTokens => inner.ExpirationTokens;

        public IList<PostEvictionCallbackRegistration> PostEvictionCallbacks => inner.PostEvictionCallbacks;

        public CacheItemPriority Priority { get => inner.Priority; set => inner.Priority = value; }

        // The bound counts entries, not bytes: a writer's own size (HybridCache sets the payload's) is ignored.
        public long? Size { get => 1; set { } }

        public void Dispose() => inner.Dispose();
    }
}
