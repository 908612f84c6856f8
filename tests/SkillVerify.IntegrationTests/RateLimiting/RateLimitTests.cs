using System.Diagnostics;
using System.Globalization;
using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace SkillVerify.IntegrationTests.RateLimiting;

/// <summary>The built-in rate limiter: 429 + Retry-After, partners on their own quotas, forged X-Forwarded-For, limits shared through Redis and per instance without it.</summary>
public class RateLimitTests
{
    private const string Verify = "/api/v1/verifications";
    private static readonly object Question = new { code = "Y000044030006233000123", holderName = "王小明" };

    private static SkillVerifyFactory Instance(int anonymousPerMinute, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["RateLimiting:AnonymousPerMinute"] = anonymousPerMinute.ToString(CultureInfo.InvariantCulture) };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return SkillVerifyFactory.With(settings);
    }

    private static async Task<HttpStatusCode> AskAsync(HttpClient client, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Verify.TrimStart('/')) { Content = System.Net.Http.Json.JsonContent.Create(Question) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode[]> AskManyAsync(HttpClient client, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            statuses[i] = await AskAsync(client);
        }
        return statuses;
    }

    private static HttpStatusCode[] Expect(int ok, int refused) =>
        [.. Enumerable.Repeat(HttpStatusCode.OK, ok), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, refused)];

    [Fact]
    public async Task AfterTheLimitTheAnswerIs429WithRetryAfterAndRateLimitHeaders()
    {
        await using var factory = Instance(3);
        var client = factory.CreateClient();

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ok = await client.PostJsonAsync(Verify, Question);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(3, ok.Policy()["q"]);
            Assert.Equal(60, ok.Policy()["w"]);
            remaining.Add(ok.Current()["r"].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var refused = await client.PostJsonAsync(Verify, Question);
        var body = await refused.JsonAsync();

        Assert.Equal(["2", "1", "0"], remaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limit.exceeded", body.Str("code"));
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal(0, refused.Current()["r"]);
        Assert.InRange(refused.Current()["t"], 1, 60);
        Assert.Equal("anonymous", RateLimitFields.Parse(refused.Headers.GetValues("RateLimit").Single()).Policy);
        // Health and documentation stay reachable for a limited client.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task ACachedGetCarriesTheCallersOwnCountsNotTheStoredOnes()
    {
        await using var factory = Instance(10);
        var client = factory.CreateClient();

        var first = await client.GetAsync("/api/v1/levels");
        var second = await client.GetAsync("/api/v1/levels");
        var third = await client.GetAsync("/api/v1/levels");

        // The second and third answers come from the output cache: a stored copy of the first's headers would say 9 again.
        Assert.Equal([9, 8, 7], new[] { first, second, third }.Select(r => r.Current()["r"]));
        Assert.All(new[] { first, second, third }, r => Assert.Equal(10, r.Policy()["q"]));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await third.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task APartnerHasItsOwnQuotaApartFromTheAnonymousOne()
    {
        await using var factory = Instance(2);
        var partner = await factory.CreatePartnerKeyAsync(perMinute: 4);
        var partnerClient = factory.CreateClient().WithKey(partner.Plaintext);
        var anonymous = factory.CreateClient();

        Assert.Equal(Expect(4, 1), await AskManyAsync(partnerClient, 5));
        Assert.Equal(Expect(2, 1), await AskManyAsync(anonymous, 3));
    }

    [Fact]
    public async Task AForgedXForwardedForFromAnUntrustedClientIsIgnored()
    {
        await using var instance = KestrelInstance.Start(new Dictionary<string, string?> { ["RateLimiting:AnonymousPerMinute"] = "2" });
        using var client = instance.CreateNetworkClient();

        // Three "different clients" by header, one client by address: the third is refused.
        var statuses = new[] { await AskAsync(client, "198.51.100.1"), await AskAsync(client, "198.51.100.2"), await AskAsync(client, "198.51.100.3") };

        Assert.Equal(Expect(2, 1), statuses);
    }

    [Fact]
    public async Task XForwardedForFromATrustedProxyIsBelieved()
    {
        await using var instance = KestrelInstance.Start(new Dictionary<string, string?>
        {
            ["RateLimiting:AnonymousPerMinute"] = "2",
            ["Hardening:KnownProxies:0"] = "127.0.0.1",
        });
        using var client = instance.CreateNetworkClient();

        var distinct = new[] { await AskAsync(client, "198.51.100.1"), await AskAsync(client, "198.51.100.2"), await AskAsync(client, "198.51.100.3") };
        var same = new[] { await AskAsync(client, "198.51.100.9"), await AskAsync(client, "198.51.100.9"), await AskAsync(client, "198.51.100.9") };

        Assert.Equal(Expect(3, 0), distinct);
        Assert.Equal(Expect(2, 1), same);
    }

    [Fact]
    public async Task TwoInstancesSharingRedisEnforceOneLimit()
    {
        await EnsureReachableAsync(TestServers.Redis);
        var prefix = $"skillverify-test:rl:{Guid.NewGuid():N}:";
        await using var a = Instance(4, ("ConnectionStrings:Redis", TestServers.Redis), ("RateLimiting:RedisKeyPrefix", prefix));
        await using var b = Instance(4, ("ConnectionStrings:Redis", TestServers.Redis), ("RateLimiting:RedisKeyPrefix", prefix));
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();

        var statuses = new[]
        {
            await AskAsync(clientA), await AskAsync(clientB), await AskAsync(clientA), await AskAsync(clientB),
            await AskAsync(clientA), await AskAsync(clientB),
        };

        Assert.Equal(Expect(4, 2), statuses);
    }

    [Fact]
    public async Task WithRedisStoppedEachInstanceFallsBackToItsOwnLimitNeverToNone()
    {
        using var redis = await PrivateRedis.StartAsync();
        await using var a = Instance(3, ("ConnectionStrings:Redis", redis.Address));
        await using var b = Instance(3, ("ConnectionStrings:Redis", redis.Address));
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();
        // Shared while Redis runs: 2 at A and 1 at B use up the one limit of 3.
        Assert.Equal(Expect(3, 1), new[] { await AskAsync(clientA), await AskAsync(clientA), await AskAsync(clientB), await AskAsync(clientB) });

        redis.Stop();

        Assert.Equal(Expect(3, 1), await AskManyAsync(clientA, 4));
        Assert.Equal(Expect(3, 1), await AskManyAsync(clientB, 4));
    }

    [Fact]
    public async Task WithRedisFrozenEachInstanceFallsBackToItsOwnLimitWithoutWaiting()
    {
        await using var redis = await Infrastructure.PrivateRedis.StartAsync();
        await using var a = Instance(3, ("ConnectionStrings:Redis", redis.Address), ("RateLimiting:RedisTimeoutMilliseconds", "200"));
        var client = a.CreateClient();
        Assert.Equal(Expect(1, 0), new[] { await AskAsync(client) });

        // SIGSTOP: Redis keeps its socket open and answers nothing.
        redis.Freeze();
        try
        {
            var clock = Stopwatch.StartNew();
            var statuses = await AskManyAsync(client, 4);
            clock.Stop();

            // The window in Redis had 2 left; this instance's own window, counting from the outage, has 3.
            Assert.Equal(Expect(3, 1), statuses);
            // The first request gives up on Redis after its timeout; the others do not try it (RedisRetrySeconds).
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Four requests took {clock.Elapsed} with Redis frozen.");
        }
        finally
        {
            redis.Thaw();
        }
    }

    [Fact]
    public async Task WithRedisDownTheBatchStillCountsNItemsOnTheInstance()
    {
        await using var redis = await Infrastructure.PrivateRedis.StartAsync();
        await using var a = Instance(1000, ("ConnectionStrings:Redis", redis.Address));
        var key = (await a.CreatePartnerKeyAsync(perMinute: 10)).Plaintext;
        redis.Kill();
        var six = new { items = Enumerable.Range(0, 6).Select(_ => new { code = "Y000044030006233000123", holderName = "王小明" }).ToArray() };

        var first = await a.CreateClient().WithKey(key).PostJsonAsync("/api/v1/verifications/batch", six);
        var second = await a.CreateClient().WithKey(key).PostJsonAsync("/api/v1/verifications/batch", six);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(4, first.Current()["r"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    private static async Task EnsureReachableAsync(string address)
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(address + ",abortConnect=true,connectTimeout=2000");
            await connection.GetDatabase().PingAsync();
        }
        catch (RedisException ex)
        {
            throw TestServers.Unreachable("Redis", address, ex);
        }
    }

    /// <summary>A redis-server of this test's own on a free port, so stopping it disturbs nobody else.</summary>
    private sealed class PrivateRedis : IDisposable
    {
        private readonly Process process;

        private PrivateRedis(Process process, int port)
        {
            this.process = process;
            Address = $"127.0.0.1:{port}";
        }

        public string Address { get; }

        public static async Task<PrivateRedis> StartAsync()
        {
            var port = KestrelInstance.FreePort();
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                })!;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException($"redis-server could not be started. {TestServers.HowToStart}", ex);
            }
            var redis = new PrivateRedis(process, port);
            for (var i = 0; i < 50; i++)
            {
                try
                {
                    await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Address + ",abortConnect=true,connectTimeout=500");
                    await connection.GetDatabase().PingAsync();
                    return redis;
                }
                catch (RedisException)
                {
                    await Task.Delay(100);
                }
            }
            redis.Dispose();
            throw TestServers.Unreachable("private Redis", redis.Address);
        }

        public void Stop()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Stop();
            process.Dispose();
        }
    }
}
