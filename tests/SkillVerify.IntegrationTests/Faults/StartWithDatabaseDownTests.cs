using System.Net;
using Microsoft.Extensions.Logging;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Faults;

/// <summary>
/// The service started while its PostgreSQL server is down (a host rebooted, the database still coming up): it starts,
/// answers 503 on /health/ready with a sentence in its log, retries, and becomes ready with the data intact once the
/// server is back — instead of aborting (exit 134, an unhandled NpgsqlException).
/// </summary>
public sealed class StartWithDatabaseDownTests
{
    private const string ValidCode = "Y000044030006233000123";

    [Fact]
    public async Task StartedWithPostgresStoppedItIsNotReadyThenReadyWhenPostgresStartsAndNothingIsLost()
    {
        await using var pg = await PrivatePostgres.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:SkillVerify"] = pg.ConnectionString,
            ["Privacy:HashKey"] = CacheFactory.HashKey,
        };
        // Fill the database once (schema, demo data, the key's fingerprint), then stop the server.
        using (var first = SkillVerifyFactory.With(new Dictionary<string, string?>(settings) { [SkillVerifyFactory.SeedDemoData] = "true" }))
        {
            Assert.Equal("VALID", await OutcomeAsync(first.CreateClient(), ValidCode, "王小明"));
        }
        var certificates = await pg.QueryAsync<long>("SELECT COUNT(*) FROM certificates");
        await pg.StopServerAsync();

        using var factory = SkillVerifyFactory.With(settings);
        var client = factory.CreateClient(); // starts the host: it must not throw
        var live = await client.GetAsync("/health/live");
        var notReady = await client.GetAsync("/health/ready");
        var during = await client.PostJsonAsync("/api/v1/verifications", new { code = ValidCode, holderName = "王小明" });

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("service.unavailable", (await during.JsonAsync()).Str("code"));
        var warning = Assert.Single(factory.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("The database (postgres) cannot be reached", StringComparison.Ordinal)).Take(1));
        Assert.Contains("/health/ready answers 503", warning.Message);
        Assert.Contains("retries", warning.Message);

        await pg.StartServerAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode ready;
        while ((ready = (await client.GetAsync("/health/ready")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Contains(factory.Logs.Entries, e => e.Message.StartsWith("The database is reachable again", StringComparison.Ordinal));
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, "王小明"));
        Assert.Equal("INVALID", await OutcomeAsync(client, "S000032010101224000456", "张伟"));
        Assert.Equal(certificates, await pg.QueryAsync<long>("SELECT COUNT(*) FROM certificates"));
    }

    private static async Task<string> OutcomeAsync(HttpClient client, string code, string name) =>
        (await (await client.PostJsonAsync("/api/v1/verifications", new { code, holderName = name })).JsonAsync()).Str("outcome");
}
