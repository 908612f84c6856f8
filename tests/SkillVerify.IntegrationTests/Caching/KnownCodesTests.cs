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
/// Never-issued codes and unregistered issuers are answered from memory (KnownCodes): no cache, no database, the same
/// bytes as any other NOT_FOUND; a code added on one instance is found on another. Instances share the test Redis.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class KnownCodesTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string NeverIssued = "Y000044030006233987654"; // a registered issuer, a serial nobody issued
    private const string UnregisteredIssuer = "Y000044987654233000001";

    private readonly CacheInstances instances = new("known-");

    private string Redis => instances.Redis!;

    public async Task InitializeAsync() => await instances.OnSharedRedisAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => instances.Dispose();

    [Fact]
    public async Task ANeverIssuedCodeIsNotFoundWithoutCacheOrStoreAndLooksLikeAStoreMiss()
    {
        var filtered = await StartAsync(filter: true);
        var unfiltered = await StartAsync(filter: false);
        var client = filtered.CreateClient();
        var plain = unfiltered.CreateClient();
        // The issuer's record warm on both, so only the certificate lookup differs.
        await OutcomeAsync(client, ValidCode, "李四");
        await OutcomeAsync(plain, ValidCode, "李四");

        using var fromFilter = await client.PostAsJsonAsync("/api/v1/verifications", new { code = NeverIssued, holderName = "李四" });
        Assert.Equal(0, filtered.Store.Calls(nameof(ISkillVerifyStore.FindCertificateAsync), NeverIssued));
        Assert.False(await CacheFactory.RedisKeyExistsAsync(Redis, instances.Prefix + CacheKeys.Certificate(NeverIssued)), "The filtered-out code reached Redis.");
        using var fromStore = await plain.PostAsJsonAsync("/api/v1/verifications", new { code = NeverIssued, holderName = "李四" });
        using var wrongName = await client.PostAsJsonAsync("/api/v1/verifications", new { code = ValidCode, holderName = "李四" });

        Assert.Equal(1, unfiltered.Store.Calls(nameof(ISkillVerifyStore.FindCertificateAsync), NeverIssued));
        Assert.Equal("NOT_FOUND", (await fromFilter.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("outcome").GetString());
        await AssertSameAnswerAsync(fromFilter, fromStore);
        await AssertSameAnswerAsync(fromFilter, wrongName);
    }

    [Fact]
    public async Task AnUnregisteredIssuerCostsNoQueryAndLooksLikeOneThatWasQueried()
    {
        var filtered = await StartAsync(filter: true);
        var unfiltered = await StartAsync(filter: false);

        // Asked twice: the store's "not found" is then cached, as the registry's answer from memory is ("fromCache": true).
        HttpResponseMessage fromMemory = null!, fromStore = null!;
        for (var i = 0; i < 2; i++)
        {
            fromMemory = await filtered.CreateClient().PostAsJsonAsync("/api/v1/verifications", new { code = UnregisteredIssuer, holderName = "李四" });
            fromStore = await unfiltered.CreateClient().PostAsJsonAsync("/api/v1/verifications", new { code = UnregisteredIssuer, holderName = "李四" });
        }

        Assert.Equal(0, filtered.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), UnregisteredIssuer[..13]));
        Assert.Equal(1, unfiltered.Store.Calls(nameof(ISkillVerifyStore.FindOrganizationAsync), UnregisteredIssuer[..13]));
        await AssertSameAnswerAsync(fromMemory, fromStore);
        // The registry endpoint agrees.
        Assert.Equal(HttpStatusCode.NotFound, (await filtered.CreateClient().GetAsync("/api/v1/organizations/" + UnregisteredIssuer[..13])).StatusCode);
    }

    [Fact]
    public async Task ACodeAddedOnOneInstanceIsFoundOnAnother()
    {
        var a = await StartAsync(filter: true);
        var b = await StartAsync(filter: true);
        var clientB = b.CreateClient();
        const string added = "Y000044030006233000777";
        Assert.Equal("NOT_FOUND", await OutcomeAsync(clientB, added, ValidName));
        Assert.Equal(0, b.Store.Calls(nameof(ISkillVerifyStore.FindCertificateAsync), added));

        // A write on A and its invalidation, as the admin endpoints do (the store first, then the invalidator).
        var storeA = a.Services.GetRequiredService<ISkillVerifyStore>();
        var record = await storeA.FindCertificateAsync(ValidCode);
        await storeA.UpsertCertificatesAsync([record! with { Code = added, UpdatedAt = DateTimeOffset.UtcNow }]);
        Assert.True(await a.Services.GetRequiredService<CacheInvalidator>().InvalidateAsync(CacheInvalidation.ForCertificates(added), CancellationToken.None));
        var clock = Stopwatch.StartNew();
        await EventuallyAsync(async () => await OutcomeAsync(clientB, added, ValidName) == "VALID", clock);
        output.WriteLine($"Instance B found the added code {clock.ElapsedMilliseconds} ms after the invalidation.");
        Assert.True(b.Services.GetRequiredService<KnownCodes>().Serving, "B answered from the store because its filter was off, not because it was told.");
        Assert.Equal("VALID", await OutcomeAsync(a.CreateClient(), added, ValidName));
    }

    [Fact]
    public async Task ABulkImportByTheCliIsFoundOnEveryInstance()
    {
        var a = await StartAsync(filter: true);
        var b = await StartAsync(filter: true);
        const string imported = "Y000044030006233000778";
        foreach (var f in new[] { a, b })
        {
            Assert.Equal("NOT_FOUND", await OutcomeAsync(f.CreateClient(), imported, ValidName));
        }

        // The CLI writes through its own store and publishes "everything changed" (it names no codes).
        var store = instances.OpenStore();
        var record = await store.FindCertificateAsync(ValidCode);
        await store.UpsertCertificatesAsync([record! with { Code = imported, UpdatedAt = DateTimeOffset.UtcNow }]);
        await using (var publisher = await CacheInvalidationPublisher.ConnectAsync(Redis, instances.Prefix))
        {
            await publisher.PublishAsync(CacheInvalidation.All);
        }
        var clock = Stopwatch.StartNew();
        foreach (var f in new[] { a, b })
        {
            await EventuallyAsync(async () => await OutcomeAsync(f.CreateClient(), imported, ValidName) == "VALID", clock);
        }
        output.WriteLine($"Both instances found the imported code {clock.ElapsedMilliseconds} ms after the publish.");
        // And the filters serve again once rebuilt (a never-issued code costs no query again).
        await EventuallyAsync(() => Task.FromResult(b.Services.GetRequiredService<KnownCodes>().Serving), clock);
    }

    private async Task<CacheFactory> StartAsync(bool filter)
    {
        var factory = await instances.StartAsync(new Dictionary<string, string?> { ["Cache:CodeFilter"] = filter ? "true" : "false" });
        if (filter)
        {
            var known = factory.Services.GetRequiredService<KnownCodes>();
            await EventuallyAsync(() => Task.FromResult(known.Serving), Stopwatch.StartNew());
        }
        return factory;
    }

    /// <summary>
    /// Status, body bytes and every header but the date, and with the rate-limit header's remaining count and reset time
    /// blanked: the instances share one budget in Redis, so those count the requests before, whatever the code.
    /// </summary>
    private static async Task AssertSameAnswerAsync(HttpResponseMessage first, HttpResponseMessage second)
    {
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        static string Headers(HttpResponseMessage r) => string.Join("\n", r.Headers.Concat(r.Content.Headers)
            .Where(h => h.Key is not "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Key + ": " + System.Text.RegularExpressions.Regex.Replace(string.Join(",", h.Value), ";r=[0-9]+;t=[0-9]+", ";r=_;t=_")));
        Assert.Equal(Headers(first), Headers(second));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, Stopwatch clock)
    {
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "Not seen within 5 s.");
            await Task.Delay(10);
        }
    }
}
