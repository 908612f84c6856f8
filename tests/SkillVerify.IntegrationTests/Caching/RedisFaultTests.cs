using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Caching;
using SkillVerify.Data.Caching;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>
/// Redis is only a cache: down at start, killed or frozen under load, the service keeps answering from the
/// database without a 5xx or a long stall, and uses Redis again within seconds of its return. Each test runs
/// its own redis-server, never the shared one.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    /// <summary>
    /// The longest any request may take while Redis fails: Redis calls give up after 250 ms
    /// (Cache:RedisOperationTimeoutMs) and a failing Redis is then bypassed; the rest is headroom for a busy test machine.
    /// </summary>
    private static readonly TimeSpan MaxLatency = TimeSpan.FromMilliseconds(1500);

    /// <summary>How soon after Redis returns the cache must use it again.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RedisDownAtStartServiceStartsDegradedAndAnswersFromTheDatabase()
    {
        var port = PrivateRedis.FreePort();
        var prefix = CacheFactory.NewPrefix();
        using var factory = new CacheFactory(CacheFactory.Shared($"127.0.0.1:{port}", prefix));
        var client = factory.CreateClient();

        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        Assert.Equal("INVALID", await OutcomeAsync(client, "S000032010101224000456", "张伟"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/organizations/Y000044030006")).StatusCode);

        // Redis comes up: the service finds it by itself and caches there.
        await using var redis = await PrivateRedis.StartAsync(port);
        var clock = Stopwatch.StartNew();
        while (await client.GetStringAsync("/health/ready") != "Healthy")
        {
            Assert.True(clock.Elapsed < Recovery, $"Redis was not used again within {Recovery.TotalSeconds} s of coming up.");
            await Task.Delay(50);
        }
        output.WriteLine($"Ready went from Degraded to Healthy {clock.ElapsedMilliseconds} ms after Redis came up.");
        await AssertCachesInRedisAsync(factory, client, redis.Address, prefix, "Y001111000001241000001", "李建国", clock);

        // It also listens for invalidations now: a write published by another process evicts the cached answer.
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        await factory.Services.GetRequiredService<SkillVerify.Data.ISkillVerifyStore>().RevokeCertificateAsync(ValidCode, DateOnly.FromDateTime(DateTime.UtcNow), "撤销");
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        await using (var publisher = await CacheInvalidationPublisher.ConnectAsync(redis.Address, prefix))
        {
            await publisher.PublishAsync(CacheInvalidation.ForCertificates(ValidCode));
        }
        clock.Restart();
        while (await OutcomeAsync(client, ValidCode, ValidName) != "INVALID")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "An invalidation published after Redis came up was not received within 1 s.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public Task RedisKilledUnderLoadAnswersWithout5xx() =>
        FaultUnderLoadAsync("killed", redis => { redis.Kill(); return Task.CompletedTask; }, redis => redis.RestartAsync(), "restart");

    [Fact]
    public Task RedisFrozenUnderLoadAnswersWithout5xx() =>
        FaultUnderLoadAsync("frozen (SIGSTOP)", redis => { redis.Freeze(); return Task.CompletedTask; }, redis => { redis.Thaw(); return Task.CompletedTask; }, "SIGCONT");

    /// <summary>Redis fails for 3 s under load, then returns: no 5xx, bounded latency, Redis used again within seconds.</summary>
    private async Task FaultUnderLoadAsync(string fault, Func<PrivateRedis, Task> fail, Func<PrivateRedis, Task> recover, string recovery)
    {
        await using var redis = await PrivateRedis.StartAsync();
        var prefix = CacheFactory.NewPrefix();
        using var factory = new CacheFactory(CacheFactory.Shared(redis.Address, prefix));
        var client = factory.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));

        await WarmUpAsync(client);
        using var stop = new CancellationTokenSource();
        var load = RunLoadAsync(client, workers: 8, stop.Token);
        await Task.Delay(1000);
        await fail(redis);
        await Task.Delay(3000);
        Assert.Equal("Degraded", await client.GetStringAsync("/health/ready"));
        await recover(redis);
        var clock = Stopwatch.StartNew();
        await WaitForReadyAsync(client, clock);
        await Task.Delay(500);
        stop.Cancel();
        var result = await load;

        output.WriteLine($"Redis {fault} for 3 s under load: {result}; back in use {clock.ElapsedMilliseconds} ms after {recovery}.");
        Assert.True(result.Requests > 100, result.ToString());
        Assert.Equal(0, result.ServerErrors);
        Assert.Equal(0, result.Unexpected);
        Assert.True(result.MaxLatency < MaxLatency, result.ToString());
        await AssertCachesInRedisAsync(factory, client, redis.Address, prefix, "Y001111000001241000001", "李建国", clock);
    }

    /// <summary>The first requests of a fresh instance are slow (JIT, connection pools): not what is measured.</summary>
    private static async Task WarmUpAsync(HttpClient client)
    {
        using var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await RunLoadAsync(client, workers: 8, warmUp.Token);
    }

    private static async Task WaitForReadyAsync(HttpClient client, Stopwatch clock)
    {
        while (await client.GetStringAsync("/health/ready") != "Healthy")
        {
            Assert.True(clock.Elapsed < Recovery, $"Redis was not used again within {Recovery.TotalSeconds} s of its return.");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Records not read before are written to Redis again: the cache is back, within the recovery bound. FusionCache's
    /// circuit breaker skips Redis for Cache:RedisBreakMs after any failed or timed-out call (the hand-written circuit
    /// waited for three), so a record read in such a moment stays in L1 only; one not read before is asked every
    /// 200 ms until one lands in Redis.
    /// </summary>
    private static async Task AssertCachesInRedisAsync(CacheFactory factory, HttpClient client, string redis, string prefix, string code, string name, Stopwatch clock)
    {
        Assert.Equal("VALID", await OutcomeAsync(client, code, name));
        List<string> asked = [code];
        var fresh = new Queue<string>(await RealCodesAsync(factory, 50));
        var next = clock.Elapsed + TimeSpan.FromMilliseconds(200);
        while (!await AnyInRedisAsync(redis, prefix, asked))
        {
            Assert.True(clock.Elapsed < Recovery, $"No record was cached in Redis within {Recovery.TotalSeconds} s of its return.");
            if (clock.Elapsed > next && fresh.TryDequeue(out var another))
            {
                var (status, _, _) = await VerifyAsync(client, another, "某人");
                Assert.Equal(HttpStatusCode.OK, status);
                asked.Add(another);
                next = clock.Elapsed + TimeSpan.FromMilliseconds(200);
            }
            await Task.Delay(20);
        }
    }

    private static async Task<bool> AnyInRedisAsync(string redis, string prefix, List<string> codes)
    {
        foreach (var code in codes)
        {
            if (await CacheFactory.RedisKeyExistsAsync(redis, prefix + "cert:" + code))
            {
                return true;
            }
        }
        return false;
    }

    private static async Task<List<string>> RealCodesAsync(CacheFactory factory, int count)
    {
        List<string> codes = [];
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "skillverify.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT code FROM certificates ORDER BY code DESC LIMIT {count}";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            codes.Add(reader.GetString(0));
        }
        return codes;
    }
}
