using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Domain.Verification;
using StackExchange.Redis;

namespace SkillVerify.Api.Caching;

/// <summary>
/// What the store holds, in memory on every instance, so that a code nobody issued costs no I/O and a verification
/// reads at most its certificate: the whole registry (every <see cref="OrganizationRecord"/> with its dated history,
/// scope, aliases and quality results) and a <see cref="CodeFilter"/> of every certificate code. Built at start by
/// reading the store, and kept current by every invalidation (<see cref="CacheInvalidator.Invalidated"/>: this
/// instance's admin writes, and the backplane messages of the other instances and of the CLI): certificate codes are
/// added to the filter (a superset of the store's: a code it holds that the store has not is an ordinary miss), and
/// an organization named is reloaded from the primary — until reloaded, that code is not answered from memory.
/// Nothing is answered from memory — every lookup goes to the cache and the store as before — until built, and from
/// any moment an invalidation may have been missed until rebuilt: a bulk import's "everything", Redis disconnected.
/// A write no channel told (a CLI import that could not reach Redis) is caught every <c>Cache:LocalSeconds</c>, the
/// staleness the record cache has too: a count of the certificates (codes are never deleted, so a count that did not
/// move means no code was added) and the registry snapshot's version (bumped by every registry write).
/// </summary>
public sealed partial class KnownCodes(ISkillVerifyStore store, CacheInvalidator invalidator, StorageReadiness storage, IOptions<CacheOptions> options,
    ILogger<KnownCodes> logger, IConnectionMultiplexer? redis = null) : BackgroundService
{
    /// <summary>Room for imports until the next build; and the smallest filter (1M codes: 1.8 MB at p = 0.001).</summary>
    private const double Headroom = 1.25;
    private const long MinimumCapacity = 1_000_000;

    private static readonly TimeSpan ReloadRetry = TimeSpan.FromSeconds(2);

    private readonly CacheOptions settings = options.Value;
    private readonly Lock gate = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly SemaphoreSlim reloadWake = new(0);

    // Organization codes to reload, each with its ticket (a number that only grows); all of them when reloadAll.
    private readonly Queue<(string Code, long Ticket)> reloads = new();
    private bool reloadAll;
    private long tickets;

    private volatile Sets? serving; // what answers; null: answer nothing from memory
    private Sets? latest;           // the last one built, kept current also while not serving
    private Sets? building;
    private long distrusted;        // bumped whenever an invalidation may have been missed

    /// <summary>The sets answer (built and current). False: every lookup goes to the cache and the store.</summary>
    public bool Serving => serving is not null;

    /// <summary>True only for a code the store certainly does not hold.</summary>
    public bool RulesOutCertificate(string code) => serving is { } s && !s.Certificates.MayContain(code);

    /// <summary>
    /// True when memory answers for this organization code: <paramref name="organization"/> is the registry's entry, null
    /// for a code the registry does not hold. False — ask the cache and the store — while not serving, while this code's
    /// record is being reloaded after a write, and for a registered code when <c>Cache:RegistryInMemory</c> is off.
    /// </summary>
    public bool TryGetOrganization(string code, out OrganizationRecord? organization)
    {
        organization = null;
        if (serving is not { } s || s.IsPending(code))
        {
            return false;
        }
        if (!s.Organizations.TryGetValue(code, out var found))
        {
            return true;
        }
        organization = found;
        return settings.RegistryInMemory;
    }

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
            await Task.WhenAll(RunAsync(stoppingToken), ReloadAsync(stoppingToken));
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
                // Not serving: rebuild once messages can arrive again. Serving: rebuild when codes were added that no
                // message told; reload the registry when it moved (told or not: registry writes are rare).
                if (serving is null)
                {
                    rebuild = redis is null || redis.IsConnected;
                    continue;
                }
                var current = latest!;
                rebuild = await store.CountCertificatesAsync(stoppingToken) != current.StoreCount;
                if (!rebuild && (await store.GetSnapshotAsync(stoppingToken)).Version != Volatile.Read(ref current.RegistryVersion))
                {
                    RequestReloadAll();
                }
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
            var version = (await store.GetSnapshotAsync(stoppingToken)).Version;
            var sets = new Sets(new CodeFilter(Math.Max(MinimumCapacity, (long)(count * Headroom)), settings.CodeFilterFalsePositiveRate), count, version);
            lock (gate)
            {
                // A reload asked for before now may have read before the build does and be applied to it after: its codes stay pending here too.
                latest?.CopyPendingTo(sets);
                building = sets;
            }
            foreach (var organization in await store.ReadAllOrganizationsAsync(stoppingToken))
            {
                // A reload applied meanwhile read after its invalidation: it is kept.
                sets.Organizations.TryAdd(organization.Code, organization);
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
                var registryMb = EstimateBytes(sets) / 1048576.0;
                Built(logger, clock.ElapsedMilliseconds, sets.Organizations.Count, registryMb, sets.Certificates.Added, sets.Certificates.Bytes / 1048576.0,
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

    /// <summary>
    /// One reload at a time, so a later one always reads later: the organizations named since the last, from the primary
    /// (or the whole registry), then applied to the sets; a code is answered from memory again once a reload that began
    /// after its last invalidation is applied. With the database down the codes stay pending (the store's 503 and the
    /// cache's fail-safe answer for them) and the reload is retried.
    /// </summary>
    private async Task ReloadAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await reloadWake.WaitAsync(stoppingToken);
            List<(string Code, long Ticket)> batch;
            bool all;
            long upTo;
            lock (gate)
            {
                batch = [.. reloads];
                reloads.Clear();
                all = reloadAll;
                reloadAll = false;
                upTo = tickets;
            }
            if (batch.Count == 0 && !all)
            {
                continue;
            }
            try
            {
                long? version = null;
                IReadOnlyList<OrganizationRecord> found;
                var codes = batch.Select(b => b.Code).Distinct(StringComparer.Ordinal).ToList();
                if (all)
                {
                    version = (await store.GetSnapshotAsync(stoppingToken)).Version;
                    found = await store.ReadAllOrganizationsAsync(stoppingToken);
                }
                else
                {
                    var list = new List<OrganizationRecord>(codes.Count);
                    foreach (var code in codes)
                    {
                        if (await store.FindOrganizationOnPrimaryAsync(code, stoppingToken) is { } o)
                        {
                            list.Add(o);
                        }
                    }
                    found = list;
                }
                lock (gate)
                {
                    foreach (var sets in new[] { latest, building }.OfType<Sets>().Distinct())
                    {
                        sets.Apply(found, all ? null : codes, upTo, version);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                ReloadFailed(logger, all ? "all" : batch.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.GetType().Name, ReloadRetry.TotalSeconds);
                lock (gate)
                {
                    foreach (var item in batch)
                    {
                        reloads.Enqueue(item);
                    }
                    reloadAll |= all;
                }
                await Task.Delay(ReloadRetry, stoppingToken);
                reloadWake.Release();
            }
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
            latest?.AddCertificates(invalidation.CertificateCodes);
            building?.AddCertificates(invalidation.CertificateCodes);
            foreach (var code in invalidation.OrganizationCodes)
            {
                var ticket = ++tickets;
                latest?.MarkPending(code, ticket);
                building?.MarkPending(code, ticket);
                reloads.Enqueue((code, ticket));
            }
        }
        if (invalidation.OrganizationCodes.Count > 0)
        {
            reloadWake.Release();
        }
    }

    private void RequestReloadAll()
    {
        lock (gate)
        {
            reloadAll = true;
        }
        reloadWake.Release();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => Distrust();

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => wake.Release();

    /// <summary>Codes may have been added or records changed that this instance was not told of: answer nothing from memory until a build that began after now.</summary>
    private void Distrust()
    {
        lock (gate)
        {
            Interlocked.Increment(ref distrusted);
            serving = null;
        }
        wake.Release();
    }

    private static long EstimateBytes(Sets sets)
    {
        // A string the store's registry read shares (a status, an occupation, a level list) is counted once; an
        // organization's own strings (code, name, address, contact) are not looked up: 400,000 of them would fill a
        // large set only to count them.
        var seen = new HashSet<string>(ReferenceEqualityComparer.Instance);
        long bytes = 0;
        foreach (var o in sets.Organizations.Values)
        {
            bytes += EstimateBytes(o, seen);
        }
        return bytes;
    }

    /// <summary>A rough count of what a record keeps alive: object headers, fields, the arrays and the UTF-16 strings not counted before.</summary>
    private static long EstimateBytes(OrganizationRecord o, HashSet<string> seen)
    {
        static long Own(string? s) => s is null ? 0 : 22 + (2L * s.Length);
        long S(string? s) => s is null || !seen.Add(s) ? 0 : Own(s);
        long bytes = 24 + 120 + Own(o.Code) + Own(o.Name) + S(o.Province) + Own(o.ParentCode) + Own(o.Address) + Own(o.Contact)
            + 8 * (o.StatusHistory.Count + o.Scope.Count + o.Aliases.Count + o.QualityResults.Count) + 4 * 24;
        foreach (var e in o.StatusHistory)
        {
            bytes += 48 + S(e.Status) + S(e.Reason) + (e.Retraction is { } r ? 40 + S(r.Reason) : 0);
        }
        foreach (var s in o.Scope)
        {
            bytes += 56 + S(s.OccupationCode) + S(s.OccupationName) + S(s.WorkType) + S(s.Levels);
        }
        foreach (var a in o.Aliases)
        {
            bytes += 32 + S(a.Alias);
        }
        foreach (var q in o.QualityResults)
        {
            bytes += 40 + S(q.Result) + S(q.Note);
        }
        return bytes;
    }

    private sealed class Sets(CodeFilter certificates, long storeCount, long registryVersion)
    {
        // Codes whose record is being reloaded, with the last ticket that asked; changed under the gate, read without it.
        private readonly ConcurrentDictionary<string, long> pending = new(StringComparer.Ordinal);
        private volatile int pendingCount;

        /// <summary>The registry snapshot's version when the registry was last read whole.</summary>
        public long RegistryVersion = registryVersion;

        public CodeFilter Certificates { get; } = certificates;

        public ConcurrentDictionary<string, OrganizationRecord> Organizations { get; } = new(StringComparer.Ordinal);

        /// <summary>The store's certificate count when the build began.</summary>
        public long StoreCount { get; } = storeCount;

        public bool IsPending(string code) => pendingCount > 0 && pending.ContainsKey(code);

        public void AddCertificates(IReadOnlyList<string> codes)
        {
            foreach (var code in codes)
            {
                Certificates.Add(code);
            }
        }

        public void MarkPending(string code, long ticket)
        {
            pending[code] = ticket;
            pendingCount = pending.Count;
        }

        public void CopyPendingTo(Sets other)
        {
            foreach (var (code, ticket) in pending)
            {
                other.MarkPending(code, ticket);
            }
        }

        /// <summary>What a reload read: the records found replace the held ones; a code named (or, for the whole registry, held) but not found goes.</summary>
        public void Apply(IReadOnlyList<OrganizationRecord> found, List<string>? named, long upTo, long? version)
        {
            var codes = new HashSet<string>(named is null ? Organizations.Keys : named, StringComparer.Ordinal);
            foreach (var o in found)
            {
                Organizations[o.Code] = o;
                codes.Remove(o.Code);
            }
            foreach (var code in codes)
            {
                Organizations.TryRemove(code, out _);
            }
            // Read after every invalidation up to this ticket: those codes answer from memory again.
            foreach (var (code, ticket) in pending)
            {
                if (ticket <= upTo && (named is null || named.Contains(code)))
                {
                    pending.TryRemove(code, out _);
                }
            }
            pendingCount = pending.Count;
            if (version is { } v)
            {
                RegistryVersion = v;
            }
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Checking the store for unannounced writes failed ({Error}); it is checked again later.")]
    private static partial void CountFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "Known codes built in {Ms} ms: {Organizations} organizations (about {RegistryMb:F1} MB), {Certificates} certificates in a {Mb:F1} MB filter (expected false-positive rate {Rate:P3}){Serving}.")]
    private static partial void Built(ILogger logger, long ms, int organizations, double registryMb, long certificates, double mb, double rate, string serving);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Building the known codes failed ({Error}); lookups go to the store meanwhile, retried in 5 s.")]
    private static partial void BuildFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning,
        Message = "Reloading {Count} organizations failed ({Error}); they are read from the cache and the store meanwhile, retried in {Seconds} s.")]
    private static partial void ReloadFailed(ILogger logger, string count, string error, double seconds);
}
