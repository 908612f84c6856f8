using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

/// <summary>
/// Which codes the store holds, in memory on every instance, so that a code nobody issued costs no I/O: every
/// organization code of the registry (exactly) and a <see cref="CodeFilter"/> of every certificate code. Built at start
/// by streaming the store, and kept current by every invalidation (<see cref="CacheInvalidator.Invalidated"/>: this
/// instance's admin writes, and the backplane messages of the other instances and of the CLI), which only ever add
/// codes: the sets are supersets of the store's, and a code they hold that the store has not is an ordinary miss.
/// They rule nothing out — every lookup goes to the cache and the store as before — until built, and from any moment an
/// invalidation may have been missed until rebuilt: a bulk import's "everything", Redis disconnected. A write no channel
/// told (a CLI import that could not reach Redis) is caught by a count of the certificates every <c>Cache:LocalSeconds</c>,
/// the staleness the record cache has too. Codes are never deleted, so a count that did not move means no code was added.
/// </summary>
public sealed partial class KnownCodes(ISkillVerifyStore store, CacheInvalidator invalidator, StorageReadiness storage, IOptions<CacheOptions> options,
    ILogger<KnownCodes> logger, IConnectionMultiplexer? redis = null) : BackgroundService
{
    /// <summary>Room for imports until the next build; and the smallest filter (1M codes: 1.8 MB at p = 0.001).</summary>
    private const double Headroom = 1.25;
    private const long MinimumCapacity = 1_000_000;

    private readonly CacheOptions settings = options.Value;
    private readonly Lock gate = new();
    private readonly SemaphoreSlim wake = new(0);

    private volatile Sets? serving; // what answers; null: rule nothing out
    private Sets? latest;           // the last one built, kept current also while not serving
    private Sets? building;
    private long distrusted;        // bumped whenever an invalidation may have been missed

    /// <summary>The sets answer (built and current). False: every lookup goes to the cache and the store.</summary>
    public bool Serving => serving is not null;

    /// <summary>True only for a code the store certainly does not hold.</summary>
    public bool RulesOutCertificate(string code) => serving is { } s && !s.Certificates.MayContain(code);

    /// <summary>True only for an organization code the registry certainly does not hold.</summary>
    public bool RulesOutOrganization(string code) => serving is { } s && !s.Organizations.ContainsKey(code);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.CodeFilter)
        {
            return;
        }
        // Before the first await: no invalidation between the start and the first build is lost.
        invalidator.Invalidated += OnInvalidated;
        if (redis is not null)
        {
            redis.ConnectionFailed += OnConnectionFailed;
            redis.ConnectionRestored += OnConnectionRestored;
        }
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            invalidator.Invalidated -= OnInvalidated;
            if (redis is not null)
            {
                redis.ConnectionFailed -= OnConnectionFailed;
                redis.ConnectionRestored -= OnConnectionRestored;
            }
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // The schema and the demo data come first (StorageExtensions); a build before them would miss codes.
        while (!storage.IsReady)
        {
            await Task.Delay(200, stoppingToken);
        }
        var check = TimeSpan.FromSeconds(settings.LocalSeconds);
        var rebuild = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (rebuild && !await TryBuildAsync(stoppingToken))
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                continue;
            }
            await wake.WaitAsync(check, stoppingToken);
            try
            {
                // Not serving: rebuild once messages can arrive again. Serving: rebuild when codes were added that no message told.
                rebuild = serving is null ? redis is null || redis.IsConnected : await store.CountCertificatesAsync(stoppingToken) != latest!.StoreCount;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CountFailed(logger, ex.GetType().Name);
                rebuild = false;
            }
        }
    }

    private async Task<bool> TryBuildAsync(CancellationToken stoppingToken)
    {
        var generation = Interlocked.Read(ref distrusted);
        var clock = Stopwatch.StartNew();
        try
        {
            var count = await store.CountCertificatesAsync(stoppingToken);
            var sets = new Sets(new CodeFilter(Math.Max(MinimumCapacity, (long)(count * Headroom)), settings.CodeFilterFalsePositiveRate), count);
            lock (gate)
            {
                building = sets;
            }
            await foreach (var code in store.StreamOrganizationCodesAsync(stoppingToken))
            {
                sets.Organizations.TryAdd(code, 0);
            }
            await foreach (var code in store.StreamCertificateCodesAsync(stoppingToken))
            {
                sets.Certificates.Add(code);
            }
            lock (gate)
            {
                building = null;
                latest = sets;
                // Serves only if nothing was missed since the build began, and messages can arrive.
                serving = generation == Interlocked.Read(ref distrusted) && (redis is null || redis.IsConnected) ? sets : null;
            }
            if (logger.IsEnabled(LogLevel.Information))
            {
                Built(logger, clock.ElapsedMilliseconds, sets.Organizations.Count, sets.Certificates.Added, sets.Certificates.Bytes / 1048576.0,
                    sets.Certificates.ExpectedFalsePositiveRate, serving is null ? "; not used until rebuilt" : "");
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            lock (gate)
            {
                building = null;
            }
            BuildFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    private void OnInvalidated(CacheInvalidation invalidation)
    {
        if (invalidation.Everything)
        {
            Distrust();
            return;
        }
        lock (gate)
        {
            latest?.Add(invalidation);
            building?.Add(invalidation);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => Distrust();

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => wake.Release();

    /// <summary>Codes may have been added that this instance was not told of: rule nothing out until a build that began after now.</summary>
    private void Distrust()
    {
        lock (gate)
        {
            Interlocked.Increment(ref distrusted);
            serving = null;
        }
        wake.Release();
    }

    private sealed class Sets(CodeFilter certificates, long storeCount)
    {
        public CodeFilter Certificates { get; } = certificates;

        public ConcurrentDictionary<string, byte> Organizations { get; } = new(StringComparer.Ordinal);

        /// <summary>The store's certificate count when the build began.</summary>
        public long StoreCount { get; } = storeCount;

        public void Add(CacheInvalidation invalidation)
        {
            foreach (var code in invalidation.CertificateCodes)
            {
                Certificates.Add(code);
            }
            foreach (var code in invalidation.OrganizationCodes)
            {
                Organizations.TryAdd(code, 0);
            }
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Counting certificates for the code filter failed ({Error}); it is checked again later.")]
    private static partial void CountFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "Known codes built in {Ms} ms: {Organizations} organizations, {Certificates} certificates in a {Mb:F1} MB filter (expected false-positive rate {Rate:P3}){Serving}.")]
    private static partial void Built(ILogger logger, long ms, int organizations, long certificates, double mb, double rate, string serving);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Building the known codes failed ({Error}); lookups go to the store meanwhile, retried in 5 s.")]
    private static partial void BuildFailed(ILogger logger, string error);
}
