using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkillVerify.Data.Caching;
using SkillVerify.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>Writes on one instance are seen by every instance within a second (Redis pub/sub invalidation).</summary>
[Collection(CacheCollection.Name)]
public sealed class InvalidationTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly CacheInstances instances = new("shared-");

    public async Task InitializeAsync() => await instances.OnSharedRedisAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => instances.Dispose();

    [Fact]
    public async Task RevocationOnOneInstanceIsSeenByAnother()
    {
        var clients = await instances.StartClientsAsync(3);
        foreach (var client in clients)
        {
            // Every instance now holds the VALID record in its own in-process cache.
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        }

        var revoke = await Admin(clients[0]).PostAsJsonAsync($"/api/v1/admin/certificates/{ValidCode}/revocation",
            new { reason = "伪造材料，撤销证书", effectiveDate = Today });
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.True((await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invalidatedEverywhere").GetBoolean());

        foreach (var client in clients.Skip(1))
        {
            await EventuallyAsync(async () => await OutcomeAsync(client, ValidCode, ValidName) == "INVALID", clock);
        }
        output.WriteLine($"Both other instances answered INVALID {clock.ElapsedMilliseconds} ms after the revocation.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The other instances saw the revocation only after {clock.ElapsedMilliseconds} ms.");
        var (_, body, _) = await VerifyAsync(clients[2], ValidCode, ValidName);
        Assert.Contains(body.GetProperty("checks").EnumerateArray(), c => c.GetProperty("status").GetString() == "fail");
    }

    [Fact]
    public async Task StatusChangeOnOneInstanceIsSeenByAnother()
    {
        var clients = await instances.StartClientsAsync(2);
        const string organization = "Y001111000001";
        foreach (var client in clients)
        {
            // Cached in the output cache (shared through Redis) and in each instance's record cache.
            Assert.Equal("registered", await CurrentStatusAsync(client, organization));
            Assert.Equal("registered", await CurrentStatusAsync(client, organization));
            Assert.Equal("VALID", await OutcomeAsync(client, "Y001111000001241000001", "李建国"));
        }

        var change = await Admin(clients[0]).PostAsJsonAsync($"/api/v1/admin/organizations/{organization}/status-events",
            new { status = "suspended", effectiveDate = Today, reason = "评价质量评估不合格" });
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        await EventuallyAsync(async () => await CurrentStatusAsync(clients[1], organization) == "suspended", clock);
        await EventuallyAsync(async () =>
        {
            var (_, body, _) = await VerifyAsync(clients[1], "Y001111000001241000001", "李建国");
            return body.GetProperty("certificate").GetProperty("issuer").GetProperty("currentStatus").GetString() == "suspended";
        }, clock);
        output.WriteLine($"The other instance showed the suspension {clock.ElapsedMilliseconds} ms after the write.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The other instance saw the status change only after {clock.ElapsedMilliseconds} ms.");
        // Issued before the suspension: still VALID, with the later suspension shown.
        Assert.Equal("VALID", await OutcomeAsync(clients[1], "Y001111000001241000001", "李建国"));
    }

    [Fact]
    public async Task ImportByAnotherProcessIsSeenByEveryInstance()
    {
        var clients = await instances.StartClientsAsync(2);
        const string imported = "Y000044030006233000124";
        const string other = "Y001111000001241000001";
        foreach (var client in clients)
        {
            // Cached on every instance: a "not found", and two VALID records.
            Assert.Equal("NOT_FOUND", await OutcomeAsync(client, imported, ValidName));
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
            Assert.Equal("VALID", await OutcomeAsync(client, other, "李建国"));
        }

        // What the import CLI does: write through its own store, then publish with the shared publisher.
        var store = instances.OpenStore();
        var record = await store.FindCertificateAsync(ValidCode);
        await store.UpsertCertificatesAsync([record! with { Code = imported, UpdatedAt = DateTimeOffset.UtcNow }]);
        await store.RevokeCertificateAsync(ValidCode, DateOnly.FromDateTime(DateTime.UtcNow), "导入：撤销");
        await using (var publisher = await CacheInvalidationPublisher.ConnectAsync(instances.Redis!, instances.Prefix))
        {
            await publisher.PublishAsync(CacheInvalidation.ForCertificates(imported, ValidCode));
        }
        var clock = Stopwatch.StartNew();
        foreach (var client in clients)
        {
            await EventuallyAsync(async () => await OutcomeAsync(client, imported, ValidName) == "VALID", clock);
            await EventuallyAsync(async () => await OutcomeAsync(client, ValidCode, ValidName) == "INVALID", clock);
        }
        output.WriteLine($"Every instance answered from the imported data {clock.ElapsedMilliseconds} ms after the publish.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The import was seen only after {clock.ElapsedMilliseconds} ms.");

        // A bulk import publishes "everything changed".
        await store.RevokeCertificateAsync(other, DateOnly.FromDateTime(DateTime.UtcNow), "导入：撤销");
        await using (var publisher = await CacheInvalidationPublisher.ConnectAsync(instances.Redis!, instances.Prefix))
        {
            await publisher.PublishAsync(CacheInvalidation.All);
        }
        clock.Restart();
        foreach (var client in clients)
        {
            await EventuallyAsync(async () => await OutcomeAsync(client, other, "李建国") == "INVALID", clock);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The bulk import was seen only after {clock.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task ImportWithTheCliIsSeenByEveryInstanceWithinASecond()
    {
        var clients = await instances.StartClientsAsync(2);
        foreach (var client in clients)
        {
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
            Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        }
        var file = Path.Combine(instances.Folder, "revocation.csv");
        await File.WriteAllTextAsync(file,
            "code,issue_date,occupation_code,occupation_name,work_type,holder_name,id_number,obtained_by,status,revoked_on,revocation_reason,term_from,term_to,review_state\n"
            + $"{ValidCode},2023-06-15,6-31-01-03,电工,,{ValidName},440305199203154212,考核,revoked,{Today},发证机构申请撤销,,,not_required\n");

        // The real tool, as an operator runs it, with the API's database, hash key, Redis and key prefix.
        var (exitCode, printed) = await Tool.RunAsync(Tool.Cli, new Dictionary<string, string>
        {
            ["Database__Provider"] = "sqlite",
            ["ConnectionStrings__SkillVerify"] = $"Data Source={instances.Database}",
            ["Privacy__HashKey"] = CacheFactory.HashKey,
            ["ConnectionStrings__Redis"] = instances.Redis!,
            ["Cache__KeyPrefix"] = instances.Prefix,
        }, "import", "certificates", file);
        var clock = Stopwatch.StartNew();
        Assert.True(exitCode == 0, $"skillverify import exited {exitCode}: {printed}");
        Assert.Contains("Cache invalidation published", printed);

        foreach (var client in clients)
        {
            await EventuallyAsync(async () => await OutcomeAsync(client, ValidCode, ValidName) == "INVALID", clock);
        }
        output.WriteLine($"Every instance answered INVALID {clock.ElapsedMilliseconds} ms after the import ended.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The import was seen only after {clock.ElapsedMilliseconds} ms.");
    }

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static HttpClient Admin(HttpClient client)
    {
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", CacheFactory.AdminKey);
        return client;
    }

    private static async Task<string?> CurrentStatusAsync(HttpClient client, string organization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/organizations/" + organization);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentStatus").GetString();
    }

    /// <summary>Polls until the condition holds, for at most 3 s (the assertion on the elapsed time is the caller's).</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, Stopwatch clock)
    {
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "The change was not seen within 3 s.");
            await Task.Delay(10);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CacheCollection
{
    // The cache tests measure latencies and count queries: they run one at a time.
    public const string Name = "Cache";
}
