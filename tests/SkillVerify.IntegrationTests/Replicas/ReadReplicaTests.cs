using System.Collections.Concurrent;
using System.Net;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SkillVerify.IntegrationTests.Replicas;

/// <summary>
/// The read/write split on a real PostgreSQL streaming standby (<see cref="PostgresReplicaPair"/>): lookups read
/// the standby (<c>ConnectionStrings:SkillVerifyReadOnly</c>), writes go to the primary, and the standby promoted
/// while requests run loses nothing the service acknowledged.
/// </summary>
public sealed class ReadReplicaTests(ITestOutputHelper output)
{
    private const string ValidCode = "Y000044030006233000123";
    private const string Holder = "王小明";

    [Fact]
    public async Task LookupsReadTheStandbyAndWritesGoToThePrimary()
    {
        await using var pair = await PostgresReplicaPair.StartAsync(synchronous: false);
        using var factory = Service(
            PostgresReplicaPair.OneServer(pair.PrimaryPort, "skillverify-writes"),
            PostgresReplicaPair.OneServer(pair.StandbyPort, "skillverify-reads"));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, CacheFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await pair.WaitForStandbyAsync();
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode));

        // The service's lookup sessions are on the standby, none on the primary.
        const string readSessions = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'skillverify-reads'";
        Assert.True(await pair.StandbyScalarAsync<long>(readSessions) > 0, "no lookup session on the standby");
        Assert.Equal(0, await pair.PrimaryScalarAsync<long>(readSessions));

        // Rows only the primary has (the standby's replay paused) are not found; once replayed, they are.
        await pair.StandbyScalarAsync<object>("SELECT pg_wal_replay_pause()");
        var hidden = await CopyCertificateOnPrimaryAsync(pair, ValidCode, "Y000044030006233700001");
        var later = await CopyCertificateOnPrimaryAsync(pair, ValidCode, "Y000044030006233700002");
        Assert.Equal(1, await pair.PrimaryScalarAsync<long>($"SELECT COUNT(*) FROM certificates WHERE code = '{hidden}'"));
        Assert.Equal("NOT_FOUND", await OutcomeAsync(client, hidden));
        await pair.StandbyScalarAsync<object>("SELECT pg_wal_replay_resume()");
        await pair.WaitForStandbyAsync();
        Assert.Equal("VALID", await OutcomeAsync(client, later));

        // Writes go to the primary (the standby would refuse them: read-only transaction), and the very next
        // lookup, read from the standby, already sees the revocation: the write waited for the replay.
        var revoke = await client.PostJsonAsync($"/api/v1/admin/certificates/{later}/revocation", new { reason = "replica test", effectiveDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("INVALID", await OutcomeAsync(client, later));
        Assert.Equal("revoked", await pair.PrimaryScalarAsync<string>($"SELECT status FROM certificates WHERE code = '{later}'"));
        var organization = await pair.PrimaryScalarAsync<string>("SELECT code FROM organizations ORDER BY code LIMIT 1");
        var statusEvent = await client.PostJsonAsync($"/api/v1/admin/organizations/{organization}/status-events",
            new { status = "registered", effectiveDate = "2001-01-01", reason = "replica test write" });
        Assert.Equal(HttpStatusCode.OK, statusEvent.StatusCode);
        Assert.Equal(1, await pair.PrimaryScalarAsync<long>("SELECT COUNT(*) FROM organization_status_events WHERE reason = 'replica test write'"));
        const string writeSessions = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'skillverify-writes'";
        Assert.True(await pair.PrimaryScalarAsync<long>(writeSessions) > 0, "no write session on the primary");
        Assert.Equal(0, await pair.StandbyScalarAsync<long>(writeSessions));
    }

    [Fact]
    public async Task StandbyPromotedUnderLoadAnswersOnly200Or503AndLosesNoAcknowledgedWrite()
    {
        await using var pair = await PostgresReplicaPair.StartAsync(synchronous: true);
        // Writes: whichever server is the primary; lookups: the standby while there is one, else any.
        using var factory = Service(
            PostgresReplicaPair.Multi("primary", "skillverify-writes", pair.PrimaryPort, pair.StandbyPort),
            PostgresReplicaPair.Multi("prefer-standby", "skillverify-reads", pair.StandbyPort, pair.PrimaryPort));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, CacheFactory.AdminKey);
        await pair.WaitForStandbyAsync();
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode));
        Assert.Equal("Healthy", await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        var organization = await pair.PrimaryScalarAsync<string>("SELECT code FROM organizations ORDER BY code LIMIT 1");

        // 8 concurrent clients for the whole switch: 6 look up codes never asked before (so the database is read,
        // not a cache), 2 write status events, each with its own date and reason.
        using var stop = new CancellationTokenSource();
        var reads = new ConcurrentBag<(DateTimeOffset At, HttpStatusCode Status)>();
        var writes = new ConcurrentBag<(DateTimeOffset At, HttpStatusCode Status, string? RetryAfter, string Reason)>();
        var serial = 800_000;
        var written = 0;
        var readers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var code = $"Y000044030006233{Interlocked.Increment(ref serial):000000}";
                using var response = await client.PostJsonAsync("/api/v1/verifications", new { code, holderName = Holder });
                reads.Add((DateTimeOffset.UtcNow, response.StatusCode));
            }
        }));
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref written);
                var reason = $"failover write {n}";
                var date = new DateOnly(2000, 1, 1).AddDays(n).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                using var response = await client.PostJsonAsync($"/api/v1/admin/organizations/{organization}/status-events",
                    new { status = "registered", effectiveDate = date, reason });
                writes.Add((DateTimeOffset.UtcNow, response.StatusCode, response.Headers.RetryAfter?.ToString(), reason));
            }
        }));
        var load = Task.WhenAll(readers.Concat(writers));

        await Task.Delay(1_000);
        await pair.StopPrimaryAsync("immediate");
        var stoppedAt = DateTimeOffset.UtcNow;
        await Task.Delay(1_500);
        var readyDuring = await client.GetAsync("/health/ready");
        var readyDuringText = await readyDuring.Content.ReadAsStringAsync();
        await pair.PromoteStandbyAsync();
        var promotedAt = DateTimeOffset.UtcNow;

        // Until the service has found the new primary: a write acknowledged and readiness back to Healthy.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        string readyAfter = "";
        while (DateTimeOffset.UtcNow < deadline && !(readyAfter == "Healthy" && writes.Any(w => w.At > promotedAt && w.Status == HttpStatusCode.OK)))
        {
            readyAfter = await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync();
            await Task.Delay(200);
        }
        await Task.Delay(1_000);
        stop.Cancel();
        await load;

        output.WriteLine($"writes acknowledged before the stop: {writes.Count(w => w.Status == HttpStatusCode.OK && w.At < stoppedAt)}, "
            + $"between stop and promotion: {writes.Count(w => w.Status == HttpStatusCode.OK && w.At > stoppedAt && w.At < promotedAt)}, "
            + $"after: {writes.Count(w => w.Status == HttpStatusCode.OK && w.At > promotedAt)}; first acknowledged "
            + $"{(writes.Where(w => w.Status == HttpStatusCode.OK && w.At > promotedAt).Select(w => (w.At - promotedAt).TotalSeconds).DefaultIfEmpty(-1).Min()):0.00} s after the promotion.");
        output.WriteLine($"{reads.Count} lookups ({reads.Count(r => r.Status == HttpStatusCode.OK)} answered), {writes.Count} writes "
            + $"({writes.Count(w => w.Status == HttpStatusCode.OK)} acknowledged, {writes.Count(w => w.Status == HttpStatusCode.ServiceUnavailable)} 503); "
            + $"readiness during the switch: {(int)readyDuring.StatusCode} {readyDuringText}, after: {readyAfter}.");
        // Lookups never noticed: the standby answered them throughout, before and after its promotion.
        Assert.All(reads, r => Assert.True(r.Status == HttpStatusCode.OK, $"lookup {r.Status} at {r.At:O}"));
        // Writes: acknowledged, or 503 with Retry-After (the documented answer while there is no primary); nothing else.
        Assert.All(writes, w => Assert.True(w.Status == HttpStatusCode.OK || (w.Status == HttpStatusCode.ServiceUnavailable && w.RetryAfter is not null),
            $"write {w.Status} at {w.At:O}"));
        Assert.Contains(writes, w => w.Status == HttpStatusCode.OK && w.At < stoppedAt);
        Assert.Contains(writes, w => w.Status == HttpStatusCode.ServiceUnavailable && w.At > stoppedAt);
        Assert.Contains(writes, w => w.Status == HttpStatusCode.OK && w.At > promotedAt);
        // Readiness told the truth: without a primary, lookups still answer (Degraded, 200); after the promotion, Healthy.
        Assert.Equal(HttpStatusCode.OK, readyDuring.StatusCode);
        Assert.Equal("Degraded", readyDuringText);
        Assert.Equal("Healthy", readyAfter);

        // Nothing lost: every write the service acknowledged is on the promoted server.
        var stored = (await PostgresReplicaPair.ColumnAsync(pair.StandbyPort,
            "SELECT reason FROM organization_status_events WHERE reason LIKE 'failover write %'")).ToHashSet();
        var acknowledged = writes.Where(w => w.Status == HttpStatusCode.OK).Select(w => w.Reason).ToList();
        Assert.All(acknowledged, reason => Assert.Contains(reason, stored));
        Assert.False(await pair.StandbyScalarAsync<bool>("SELECT pg_is_in_recovery()"));
    }

    private static SkillVerifyFactory Service(string primary, string reads) => SkillVerifyFactory.With(new Dictionary<string, string?>
    {
        // Certificates are added on the primary by SQL, which tells no invalidation channel: every lookup goes to the store.
        ["Cache:CodeFilter"] = "false",
        ["Database:Provider"] = "postgres",
        ["ConnectionStrings:SkillVerify"] = primary,
        ["ConnectionStrings:SkillVerifyReadOnly"] = reads,
        [SkillVerifyFactory.SeedDemoData] = "true",
        ["Privacy:HashKey"] = CacheFactory.HashKey,
        ["Admin:ApiKeys:0"] = CacheFactory.AdminKey,
    });

    /// <summary>A new certificate on the primary, a copy of <paramref name="from"/> under another code (same holder).</summary>
    private static async Task<string> CopyCertificateOnPrimaryAsync(PostgresReplicaPair pair, string from, string code)
    {
        await pair.PrimaryScalarAsync<object>($"""
            CREATE TEMPORARY TABLE copy AS SELECT * FROM certificates WHERE code = '{from}';
            UPDATE copy SET code = '{code}';
            INSERT INTO certificates SELECT * FROM copy;
            """);
        return code;
    }

    private static async Task<string> OutcomeAsync(HttpClient client, string code)
    {
        var response = await client.PostJsonAsync("/api/v1/verifications", new { code, holderName = Holder });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).Str("outcome");
    }
}
