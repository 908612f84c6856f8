using Microsoft.AspNetCore.OutputCaching;
using SkillVerify.Data.Caching;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Events;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Evicts what a write changed on every instance. FusionCache removes the records here and in Redis and tells the
/// other instances through its backplane (the import CLI does the same with <see cref="CacheInvalidationPublisher"/>);
/// what FusionCache does not hold — the registry answers in the output cache — each instance evicts on receipt.
/// </summary>
public sealed partial class CacheInvalidator(IFusionCache records, IOutputCacheStore outputCache, ILogger<CacheInvalidator> logger, IConnectionMultiplexer? redis = null)
    : IHostedService
{
    /// <summary>
    /// A read that began before the write committed may finish after the eviction and put the old record
    /// back (in L1, and in Redis): the keys are evicted once more after this delay.
    /// </summary>
    public static readonly TimeSpan SecondPassDelay = TimeSpan.FromSeconds(1);

    // Reads never notify the other instances (CachingExtensions); an invalidation does, and waits until it is sent.
    private static readonly FusionCacheEntryOptions Everywhere = new()
    {
        SkipBackplaneNotifications = false,
        AllowBackgroundBackplaneOperations = false,
        AllowBackgroundDistributedCacheOperations = false,
        ReThrowBackplaneExceptions = true,
        ReThrowDistributedCacheExceptions = true,
        // A clear writes a marker entry into the bounded L1, which refuses an entry without a size.
        Size = 1,
    };

    private static readonly FusionCacheEntryOptions HereOnly = new() { SkipDistributedCacheRead = true, SkipDistributedCacheWrite = true, SkipBackplaneNotifications = true, Size = 1 };

    /// <summary>
    /// What a write changed, here (<see cref="InvalidateAsync"/>) or on another instance or the CLI (a backplane message),
    /// raised before the caches are evicted: <see cref="KnownCodes"/> follows the store's codes with it.
    /// </summary>
    public event Action<CacheInvalidation>? Invalidated;

    /// <summary>Evicts here and everywhere. False when the other instances could not be told (Redis down): they catch up within <see cref="CacheOptions.LocalSeconds"/>.</summary>
    public async Task<bool> InvalidateAsync(CacheInvalidation invalidation, CancellationToken cancellationToken)
    {
        Invalidated?.Invoke(invalidation);
        var told = redis is null || redis.IsConnected;
        try
        {
            await RemoveAsync(invalidation, Everywhere, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NotTold(logger, ex.GetType().Name);
            told = false;
            await RemoveAsync(invalidation, HereOnly, cancellationToken);
        }
        if (invalidation.Everything || invalidation.OrganizationCodes.Count > 0)
        {
            await EvictRegistryAnswersAsync();
        }
        if (!invalidation.Everything)
        {
            _ = RemoveAgainAsync(invalidation);
        }
        return told;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        records.Events.Backplane.MessageReceived += OnMessageReceived;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        records.Events.Backplane.MessageReceived -= OnMessageReceived;
        return Task.CompletedTask;
    }

    private async Task RemoveAsync(CacheInvalidation invalidation, FusionCacheEntryOptions options, CancellationToken cancellationToken)
    {
        if (invalidation.Everything)
        {
            await records.ClearAsync(allowFailSafe: false, options, cancellationToken);
            return;
        }
        foreach (var key in invalidation.Keys())
        {
            await records.RemoveAsync(key, options, cancellationToken);
        }
    }

    /// <summary>Another instance (or the CLI) changed an organization, the snapshot or everything: this instance's registry answers go.</summary>
    private void OnMessageReceived(object? sender, FusionCacheBackplaneMessageEventArgs e)
    {
        if (e.Message.CacheKey is not { } key)
        {
            return;
        }
        if (Invalidated is { } handlers)
        {
            handlers(FromKey(key));
        }
        if (!key.StartsWith(CacheKeys.Certificate(""), StringComparison.Ordinal))
        {
            _ = EvictRegistryAnswersAsync();
        }
    }

    /// <summary>A record key names what changed; the snapshot comes with its organizations; anything else (FusionCache's clear marker) is everything.</summary>
    internal static CacheInvalidation FromKey(string key) =>
        key.StartsWith(CacheKeys.Certificate(""), StringComparison.Ordinal) ? CacheInvalidation.ForCertificates(key[CacheKeys.Certificate("").Length..])
        : key.StartsWith(CacheKeys.Organization(""), StringComparison.Ordinal) ? CacheInvalidation.ForOrganizations(key[CacheKeys.Organization("").Length..])
        : key == CacheKeys.Snapshot ? CacheInvalidation.ForOrganizations()
        : CacheInvalidation.All;

    /// <summary>Now and once more a second later: a request that read the old organization just before may store its answer after the first pass.</summary>
    private async Task EvictRegistryAnswersAsync()
    {
        try
        {
            await outputCache.EvictByTagAsync(OutputCachePolicies.RegistryTag, CancellationToken.None);
            _ = Task.Delay(SecondPassDelay).ContinueWith(_ => outputCache.EvictByTagAsync(OutputCachePolicies.RegistryTag, CancellationToken.None).AsTask(), TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            RegistryEvictionFailed(logger, ex.GetType().Name);
        }
    }

    private async Task RemoveAgainAsync(CacheInvalidation invalidation)
    {
        try
        {
            await Task.Delay(SecondPassDelay);
            await RemoveAsync(invalidation, Everywhere, CancellationToken.None);
        }
        catch (Exception ex)
        {
            SecondPassFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not tell the other instances of a cache invalidation ({Error}); they see the change within their local cache lifetime.")]
    private static partial void NotTold(ILogger logger, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Evicting registry answers failed: {Error}")]
    private static partial void RegistryEvictionFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The second eviction pass failed: {Error}")]
    private static partial void SecondPassFailed(ILogger logger, string error);
}
