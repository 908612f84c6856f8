using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>
/// <c>ConnectionStrings:Redis</c> naming three sentinels and a service name (<see cref="RedisSentinelGroup"/>):
/// two instances share the Redis the sentinels point to; its primary is killed while both serve requests.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output) : IDisposable
{
    private readonly CacheInstances instances = new("sentinel-");

    public void Dispose() => instances.Dispose();

    [Fact]
    public async Task PrimaryKilledUnderLoadFailsOverWithout5xxAndInvalidationsStillReachEveryInstance()
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        instances.Redis = group.ConnectionString;
        var clients = await instances.StartClientsAsync(2);
        foreach (var client in clients)
        {
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        }
        // The sentinels' primary is the Redis the service uses: the records it cached are there (and on the replica).
        Assert.True(await CacheFactory.CountRedisKeysAsync($"127.0.0.1:{group.PrimaryPort}", instances.Prefix) > 0, "nothing cached on the primary the sentinels name");
        Assert.Equal(2, await SubscribedInstancesAsync(group, group.PrimaryPort));

        // 8 concurrent clients (4 per instance) for the whole failover.
        using var stop = new CancellationTokenSource();
        var loads = clients.Select(c => RunLoadAsync(c, 4, stop.Token)).ToList();
        await Task.Delay(1_000);
        var clock = Stopwatch.StartNew();
        group.KillPrimary();
        await group.WaitAsync(async () => await group.PrimaryPortBySentinelsAsync() == group.ReplicaPort, "the sentinels did not promote the replica");
        var promoted = clock.Elapsed;
        // Both instances follow the sentinels to the new primary and subscribe to the invalidation channel there.
        await group.WaitAsync(async () => await SubscribedInstancesAsync(group, group.ReplicaPort) == 2, "the instances did not resubscribe on the new primary");
        var followed = clock.Elapsed;
        await Task.Delay(1_000);
        stop.Cancel();
        var results = await Task.WhenAll(loads);
        output.WriteLine($"Sentinels promoted the replica {promoted.TotalSeconds:F1} s after the kill; both instances subscribed there after {followed.TotalSeconds:F1} s.");
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
        {
            output.WriteLine($"instance {i}: {result}");
            Assert.Equal(0, result.ServerErrors);
            Assert.Equal(0, result.Unexpected);
            Assert.True(result.Requests > 0);
        }

        // After the failover, a revocation on one instance reaches the other through the new primary. Its in-process
        // copy lives a minute (RecordCache.LocalTtl): answering INVALID within a second is the invalidation's doing.
        Assert.Equal("VALID", await OutcomeAsync(clients[1], ValidCode, ValidName));
        Assert.Equal("VALID", await OutcomeAsync(clients[1], ValidCode, ValidName));
        clients[0].DefaultRequestHeaders.Add("X-Api-Key", CacheFactory.AdminKey);
        var revoke = await clients[0].PostAsJsonAsync($"/api/v1/admin/certificates/{ValidCode}/revocation",
            new { reason = "哨兵切换后撤销", effectiveDate = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        var sent = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.True((await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invalidatedEverywhere").GetBoolean());
        while (await OutcomeAsync(clients[1], ValidCode, ValidName) != "INVALID")
        {
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(1), "the other instance still answered VALID a second after the revocation");
            await Task.Delay(20);
        }
        output.WriteLine($"The other instance answered INVALID {sent.ElapsedMilliseconds} ms after the revocation.");
        Assert.True(await CacheFactory.CountRedisKeysAsync($"127.0.0.1:{group.ReplicaPort}", instances.Prefix) > 0, "nothing cached on the new primary");
    }

    [Fact]
    public async Task SentinelsDownAtStartTheServiceAnswersAndConnectsOnceTheyAnswer()
    {
        await using var group = RedisSentinelGroup.Create();
        instances.Redis = group.ConnectionString;
        var client = instances.Add().CreateClient();
        // No sentinel answers: Redis is down as far as the service can tell, and it answers from the database.
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));

        await group.StartServersAsync();
        var clock = Stopwatch.StartNew();
        await group.WaitAsync(async () => await client.GetStringAsync("/health/ready") == "Healthy" && await SubscribedInstancesAsync(group, group.PrimaryPort) == 1,
            "the service did not connect through the sentinels once they answered", seconds: 30);
        output.WriteLine($"Healthy and subscribed on the primary {clock.Elapsed.TotalSeconds:F1} s after the sentinels started.");
    }

    /// <summary>Connections named like the service's (ClientName "skillverify") that hold a subscription, on one server.</summary>
    private static async Task<int> SubscribedInstancesAsync(RedisSentinelGroup group, int port) =>
        (await RedisSentinelGroup.CliAsync(port, "CLIENT", "LIST")).Split('\n')
            .Count(line => line.Contains(" name=skillverify ", StringComparison.Ordinal) && !line.Contains(" sub=0 ", StringComparison.Ordinal));
}
