using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SkillVerify.IntegrationTests.Faults;

/// <summary>The PostgreSQL server stopped and restarted while requests run: 503s during the outage, correct answers after, nothing lost.</summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private const string ValidCode = "Y000044030006233000123";

    [Fact]
    public async Task PostgresStoppedAndRestartedUnderRequestsGives503ThenCorrectAnswersAndLosesNothing()
    {
        await using var pg = await PrivatePostgres.StartAsync();
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?>
        {
            // The store's outage path for every lookup: a never-issued code is answered from memory otherwise (KnownCodesTests).
            ["Cache:CodeFilter"] = "false",
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:SkillVerify"] = pg.ConnectionString,
            [SkillVerifyFactory.SeedDemoData] = "true",
            ["Privacy:HashKey"] = CacheFactory.HashKey,
        });
        var client = factory.CreateClient();
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, "王小明"));
        var certificatesBefore = await pg.QueryAsync<long>("SELECT COUNT(*) FROM certificates");
        var fingerprintBefore = await pg.QueryAsync<string>("SELECT md5(string_agg(code || status || coalesce(revoked_on::text, ''), ',' ORDER BY code)) FROM certificates");

        // Requests keep running, each for a code not asked before (so the database is asked, not the cache).
        using var stop = new CancellationTokenSource();
        var statuses = new List<(DateTimeOffset At, HttpStatusCode Status, string? RetryAfter)>();
        var load = Task.Run(async () =>
        {
            var serial = 500_000;
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostJsonAsync("/api/v1/verifications", new { code = $"Y000044030006233{serial++:000000}", holderName = "王小明" });
                lock (statuses)
                {
                    statuses.Add((DateTimeOffset.UtcNow, response.StatusCode, response.Headers.RetryAfter?.ToString()));
                }
                await Task.Delay(20);
            }
        });

        await Task.Delay(500);
        await pg.StopServerAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        await Task.Delay(2_000);
        var during = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000999", holderName = "王小明" });
        var ready = await client.GetAsync("/health/ready");
        await pg.StartServerAsync();
        var restartedAt = DateTimeOffset.UtcNow;

        // Back to correct answers once the pool has replaced its broken connections.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        string? outcome = null;
        while (DateTimeOffset.UtcNow < deadline && outcome != "VALID")
        {
            var response = await client.PostJsonAsync("/api/v1/verifications", new { code = ValidCode, holderName = "王小明" });
            outcome = response.StatusCode == HttpStatusCode.OK ? (await response.JsonAsync()).Str("outcome") : null;
            await Task.Delay(100);
        }
        await Task.Delay(500);
        stop.Cancel();
        await load;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal("service.unavailable", (await during.JsonAsync()).Str("code"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("VALID", outcome);
        Assert.Equal("INVALID", await OutcomeAsync(client, "S000032010101224000456", "张伟"));

        lock (statuses)
        {
            output.WriteLine($"{statuses.Count} requests: {statuses.Count(s => s.Status == HttpStatusCode.OK)} answered, "
                + $"{statuses.Count(s => s.Status == HttpStatusCode.ServiceUnavailable)} 503 during the outage.");
            // Only 200 or 503 + Retry-After, ever: no other 5xx, no 4xx for a sound request.
            Assert.All(statuses, s => Assert.True(s.Status == HttpStatusCode.OK || (s.Status == HttpStatusCode.ServiceUnavailable && s.RetryAfter is not null), $"{s.Status} at {s.At:O}"));
            Assert.Contains(statuses, s => s.Status == HttpStatusCode.ServiceUnavailable && s.At > stoppedAt && s.At < restartedAt);
            Assert.Contains(statuses, s => s.Status == HttpStatusCode.OK && s.At < stoppedAt);
            Assert.Contains(statuses, s => s.Status == HttpStatusCode.OK && s.At > restartedAt);
        }

        // Nothing corrupted or lost: the same certificates with the same states.
        Assert.Equal(certificatesBefore, await pg.QueryAsync<long>("SELECT COUNT(*) FROM certificates"));
        Assert.Equal(fingerprintBefore, await pg.QueryAsync<string>("SELECT md5(string_agg(code || status || coalesce(revoked_on::text, ''), ',' ORDER BY code)) FROM certificates"));
    }

    private static async Task<string> OutcomeAsync(HttpClient client, string code, string name) =>
        (await (await client.PostJsonAsync("/api/v1/verifications", new { code, holderName = name })).JsonAsync()).Str("outcome");
}
