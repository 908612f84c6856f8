using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Data.Partners;

namespace SkillVerify.Api.Security;

/// <summary>Settings under <c>Partners</c>.</summary>
public sealed class PartnerOptions
{
    public const string Section = "Partners";

    /// <summary>How often every instance re-reads the partner keys, so a key created or revoked with the CLI takes effect.</summary>
    public int RefreshSeconds { get; set; } = 15;
}

/// <summary>
/// The partner keys in memory, re-read from the database every few seconds. Authentication is a
/// shape check, a dictionary lookup by the key's public id and one SHA-256: a flood of random keys
/// costs no database query and leaves nothing behind (no cache entry, no limiter partition).
/// </summary>
public sealed class PartnerKeyDirectory(PartnerKeyStore store, TimeProvider time, StorageLayout layout)
{
    /// <summary>The demo partner key (every province, batch, ID numbers; 600 a minute): accepted only in demo mode (Demo:Enabled), documented in README.</summary>
    public const string DemoKey = "svk_000000000000_demo-partner-key-not-for-production-0000000";

    private static readonly PartnerKey Demo = new(PartnerKeys.TryGetId(DemoKey)!, "演示合作方 (demo only)", PartnerKeys.Hash(DemoKey),
        new PartnerScope([PartnerScope.AllProvinces], BatchAllowed: true, IdMatchingAllowed: true), 600, null, null, DateTimeOffset.UnixEpoch);

    private volatile FrozenDictionary<string, PartnerKey> keys = FrozenDictionary<string, PartnerKey>.Empty;

    /// <summary>Keys known to this instance (in force, expired or revoked): bounded by what the CLI created, never by what callers send.</summary>
    public int Count => keys.Count;

    public PartnerAuthentication Authenticate(string? presented)
    {
        var id = PartnerKeys.TryGetId(presented);
        var candidate = id is null ? null : keys.GetValueOrDefault(id);
        return PartnerKeys.Authenticate(presented, candidate, time.GetUtcNow());
    }

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var all = (await store.ListAsync(cancellationToken)).ToList();
        if (layout.Demo)
        {
            all.Add(Demo);
        }
        keys = all.ToFrozenDictionary(k => k.Id, StringComparer.Ordinal);
    }
}

/// <summary>Re-reads the keys periodically; a failed read keeps the last good set (a database blip does not lock partners out).</summary>
public sealed partial class PartnerKeyRefresher(PartnerKeyDirectory directory, IOptions<PartnerOptions> options, ILogger<PartnerKeyRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await directory.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RefreshFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Partner keys could not be re-read ({Error}); keeping the last set.")]
    private static partial void RefreshFailed(ILogger logger, string error);
}
