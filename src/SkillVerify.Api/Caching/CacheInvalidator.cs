using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Hybrid;
using SkillVerify.Data.Caching;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Evicts what a write changed: in this instance at once, and through <see cref="CacheInvalidationPublisher"/>
/// on every other instance (each one evicts on receipt, see <see cref="CacheInvalidationListener"/>).
/// </summary>
public sealed class CacheInvalidator(
    BoundedMemoryCache local, NotFoundCache notFound, IOutputCacheStore outputCache, HybridCache records, ILogger<CacheInvalidator> logger,
    CacheInvalidationPublisher? publisher, TimeSpan publishTimeout)
{
    /// <summary>
    /// A read that began before the write committed may finish after the eviction and put the old record
    /// back (in L1, and in Redis): the keys are evicted once more after this delay.
    /// </summary>
    public static readonly TimeSpan SecondPassDelay = TimeSpan.FromSeconds(1);

    /// <summary>Evicts locally and publishes. False when the other instances could not be told (Redis down): they catch up within <see cref="CacheOptions.LocalSeconds"/>.</summary>
    public async Task<bool> InvalidateAsync(CacheInvalidation invalidation, CancellationToken cancellationToken)
    {
        await EvictLocalAsync(invalidation, cancellationToken);
        if (publisher is null)
        {
            return true;
        }
        try
        {
            await publisher.PublishAsync(invalidation, cancellationToken).WaitAsync(publishTimeout, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not publish a cache invalidation ({Error}); other instances see the change within their local cache lifetime.", ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// Evicts this instance's copies: L1 records (HybridCache keeps its in-process entries under the key
    /// itself), remembered "not found" answers, and output-cache entries built from the registry.
    /// </summary>
    public async ValueTask EvictLocalAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        if (invalidation.Everything)
        {
            local.Clear();
            notFound.Clear();
        }
        else
        {
            foreach (var key in invalidation.Keys())
            {
                local.Remove(key);
                notFound.Remove(key);
            }
            _ = EvictAgainAsync(invalidation);
        }
        if (invalidation.Everything || invalidation.OrganizationCodes.Count > 0)
        {
            await outputCache.EvictByTagAsync(OutputCachePolicies.RegistryTag, cancellationToken);
            // Registry answers are kept locally too: a request that read Redis just before another instance evicted it may
            // have stored the old answer here after the first pass.
            _ = EvictRegistryAnswersAgainAsync();
        }
    }

    private async Task EvictRegistryAnswersAgainAsync()
    {
        try
        {
            await Task.Delay(SecondPassDelay);
            await outputCache.EvictByTagAsync(OutputCachePolicies.RegistryTag, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning("The second eviction pass of registry answers failed: {Error}", ex.GetType().Name);
        }
    }

    private async Task EvictAgainAsync(CacheInvalidation invalidation)
    {
        try
        {
            await Task.Delay(SecondPassDelay);
            // HybridCache's RemoveAsync drops L1 and the Redis copy (through the circuit: never stalls).
            await records.RemoveAsync(invalidation.Keys());
        }
        catch (Exception ex)
        {
            logger.LogWarning("The second eviction pass failed: {Error}", ex.GetType().Name);
        }
    }
}
