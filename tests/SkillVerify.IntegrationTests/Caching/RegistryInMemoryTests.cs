using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Caching;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>
/// The registry held in memory by every instance (KnownCodes): a verification reads its issuer from memory, so it
/// reads at most the certificate through the cache; a registry write on one instance is answered from memory on the
/// others within a second; nothing is answered from memory while an invalidation may have been missed.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class RegistryInMemoryTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Site = "Y001111000001";
    private const string SiteCode = "Y001111000001241000001"; // issued 2024-04-02
    private const string SiteHolder = "李建国";

    private readonly CacheInstances instances = new("registry-");
    private string redis = null!;
    private string prefix = null!;

    public async Task InitializeAsync()
    {
        await instances.OnSharedRedisAsync();
        redis = instances.Redis!;
        prefix = instances.Prefix;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => instances.Dispose();

    [Fact]
    public async Task AVerificationReadsItsIssuerFromMemoryNotFromRedisOrTheStore()
    {
        var memory = await StartAsync();
        var cached = await StartAsync(new() { ["Cache:RegistryInMemory"] = "false" });
        var issuer = ValidCode[..13];

        Assert.Equal("VALID", await OutcomeAsync(memory.CreateClient(), ValidCode, ValidName));
        Assert.Equal(0, memory.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), issuer));
        // The certificate went through the cache (and into Redis); the issuer did not.
        // (Redis is written in the background: the certificate's key is waited for.)
        await EventuallyAsync(() => CacheFactory.RedisKeyExistsAsync(redis, prefix + CacheKeys.Certificate(ValidCode)), Stopwatch.StartNew());
        Assert.False(await CacheFactory.RedisKeyExistsAsync(redis, prefix + CacheKeys.Organization(issuer)), "The issuer was read through Redis.");

        // The same service with the registry's records not handed out: the issuer is read through the cache and the store.
        Assert.Equal("VALID", await OutcomeAsync(cached.CreateClient(), ValidCode, ValidName));
        Assert.Equal(1, cached.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), issuer));
        await EventuallyAsync(() => CacheFactory.RedisKeyExistsAsync(redis, prefix + CacheKeys.Organization(issuer)), Stopwatch.StartNew());

        // The organization endpoint answers from memory too, with the same record.
        using var fromMemory = await memory.CreateClient().GetAsync("/api/v1/organizations/" + issuer);
        using var fromCache = await cached.CreateClient().GetAsync("/api/v1/organizations/" + issuer);
        Assert.Equal(HttpStatusCode.OK, fromMemory.StatusCode);
        Assert.Equal(await fromCache.Content.ReadAsStringAsync(), await fromMemory.Content.ReadAsStringAsync());
        Assert.Equal(0, memory.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), issuer));
    }

    [Fact]
    public async Task AnOrganizationRegisteredOnOneInstanceIsAnsweredFromMemoryOnAnotherWithinASecond()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var clientB = b.CreateClient();
        const string added = "Y000044030777";
        Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync("/api/v1/organizations/" + added)).StatusCode);

        // A registry write on A and its invalidation (the store first, then the invalidator, as every writer does).
        var storeA = a.Services.GetRequiredService<ISkillVerifyStore>();
        var template = await storeA.FindOrganizationAsync(ValidCode[..13]);
        await storeA.UpsertOrganizationsAsync([template! with { Code = added, Name = "新备案的评价机构", UpdatedAt = DateTimeOffset.UtcNow }]);
        Assert.True(await a.Services.GetRequiredService<CacheInvalidator>().InvalidateAsync(CacheInvalidation.ForOrganizations(added), CancellationToken.None));
        var clock = Stopwatch.StartNew();
        await EventuallyAsync(async () => (await clientB.GetAsync("/api/v1/organizations/" + added)).StatusCode == HttpStatusCode.OK, clock);
        output.WriteLine($"Instance B found the new organization {clock.ElapsedMilliseconds} ms after the invalidation.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"B saw the new organization only after {clock.ElapsedMilliseconds} ms.");

        // From memory: B reloaded it from the primary, and now answers for it without the cache or the store.
        var known = b.Services.GetRequiredService<KnownCodes>();
        await EventuallyAsync(() => Task.FromResult(known.TryGetOrganization(added, out var o) && o?.Name == "新备案的评价机构"), clock);
        // (Once for the invalidation, once more if the writer's second eviction pass, a second later, arrived already.)
        Assert.InRange(b.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationOnPrimaryAsync), added), 1, 2);
    }

    [Fact]
    public async Task AStatusChangeDatedInThePastChangesTheVerdictOnAnotherInstance()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var clientB = b.CreateClient();
        Assert.Equal("VALID", await OutcomeAsync(clientB, SiteCode, SiteHolder));

        // Suspended from before the certificate's issue date: it was issued while its issuer was suspended.
        var admin = a.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", CacheFactory.AdminKey);
        using var change = await admin.PostAsJsonAsync($"/api/v1/admin/organizations/{Site}/status-events",
            new { status = "suspended", effectiveDate = "2024-01-01", reason = "评价质量评估不合格" });
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        await EventuallyAsync(async () => await OutcomeAsync(clientB, SiteCode, SiteHolder) == "INVALID", clock);
        output.WriteLine($"Instance B answered INVALID {clock.ElapsedMilliseconds} ms after the status change.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"B changed its verdict only after {clock.ElapsedMilliseconds} ms.");
        // And it is the registry in memory that says so: B's record of the site holds the event.
        var known = b.Services.GetRequiredService<KnownCodes>();
        await EventuallyAsync(() => Task.FromResult(known.TryGetOrganization(Site, out var o) && o!.StatusOn(new DateOnly(2024, 4, 2)) == "suspended"), clock);
        Assert.Equal("INVALID", await OutcomeAsync(clientB, SiteCode, SiteHolder));
    }

    [Fact]
    public async Task NothingIsAnsweredFromMemoryWhileRedisIsDown()
    {
        await using var own = await PrivateRedis.StartAsync();
        instances.Redis = own.Address;
        var factory = instances.Add();
        var client = factory.CreateClient();
        Assert.Equal("Healthy", await CacheInstances.ReadyAsync(client));
        var known = factory.Services.GetRequiredService<KnownCodes>();
        await EventuallyAsync(() => Task.FromResult(known.Serving), Stopwatch.StartNew());
        Assert.Equal("VALID", await OutcomeAsync(client, SiteCode, SiteHolder));
        Assert.Equal(0, factory.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), Site));

        // Redis goes: an invalidation may be missed, so the issuer is read through the cache and the store again.
        own.Kill();
        var clock = Stopwatch.StartNew();
        await EventuallyAsync(() => Task.FromResult(!known.Serving), clock);
        Assert.False(known.TryGetOrganization(Site, out _));
        Assert.Equal("VALID", await OutcomeAsync(client, SiteCode, SiteHolder));
        Assert.Equal(1, factory.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), Site));

        // Redis back: rebuilt, and answered from memory again.
        await own.RestartAsync();
        clock.Restart();
        await EventuallyAsync(() => Task.FromResult(known.Serving), clock, TimeSpan.FromSeconds(15));
        Assert.True(known.TryGetOrganization(Site, out var site) && site is not null);
    }

    private async Task<CacheFactory> StartAsync(Dictionary<string, string?>? more = null)
    {
        var factory = await instances.StartAsync(more);
        var known = factory.Services.GetRequiredService<KnownCodes>();
        await EventuallyAsync(() => Task.FromResult(known.Serving), Stopwatch.StartNew());
        return factory;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, Stopwatch clock, TimeSpan? limit = null)
    {
        while (!await condition())
        {
            Assert.True(clock.Elapsed < (limit ?? TimeSpan.FromSeconds(5)), "Not seen in time.");
            await Task.Delay(10);
        }
    }
}
