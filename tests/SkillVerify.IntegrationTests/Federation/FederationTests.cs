using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Data;
using SkillVerify.Data.Generation;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Federation;

/// <summary>
/// Two instances on real Kestrel at 127.0.0.1 acting as two provinces with different data: A is 广东 (44),
/// B is 江苏 (32) and holds a certificate A has never heard of.
/// </summary>
public class FederationTests
{
    private const string OnlyAtB = "S000032010101254000777";
    private const string OnlyAtBHolder = "钱多多";
    private const double TimeoutSeconds = 2;

    /// <summary>What a loaded 2-core test machine may add to a peer timeout; far below a hang.</summary>
    private const double Slack = 3;

    private static async Task<KestrelInstance> StartProvinceBAsync(string? peerFor44 = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Federation:LocalProvince"] = "32",
            ["RateLimiting:AnonymousPerMinute"] = "100000",
        };
        if (peerFor44 is not null)
        {
            settings["Federation:Peers:44:BaseUrl"] = peerFor44;
            settings["Federation:Peers:44:ApiKey"] = PartnerKeyHelpers.RandomWellFormedKey();
        }
        var b = KestrelInstance.Start(settings);
        var store = b.Services.GetRequiredService<ISkillVerifyStore>();
        var hasher = b.Services.GetRequiredService<HolderHasher>();
        await store.UpsertCertificatesAsync([
            new CertificateSource(OnlyAtB, "S000032010101", '4', new DateOnly(2025, 3, 10), "4-03-02-01", "中式烹调师", null, OnlyAtBHolder, null, "考核",
                CertificateStatus.Active, null, null, null, null, ReviewState.NotRequired).ToRecord(hasher, DateTimeOffset.UtcNow),
        ]);
        // What every writer does after its commit: the caches and the known codes hear of it.
        await b.Services.GetRequiredService<SkillVerify.Api.Caching.CacheInvalidator>().InvalidateAsync(SkillVerify.Data.Caching.CacheInvalidation.ForCertificates(OnlyAtB), CancellationToken.None);
        return b;
    }

    private static KestrelInstance StartProvinceA(string peerUrl, string peerKey, double timeoutSeconds = TimeoutSeconds) =>
        KestrelInstance.Start(new Dictionary<string, string?>
        {
            ["Federation:LocalProvince"] = "44",
            ["Federation:Peers:32:BaseUrl"] = peerUrl,
            ["Federation:Peers:32:ApiKey"] = peerKey,
            ["Federation:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimiting:AnonymousPerMinute"] = "100000",
        });

    private static async Task<JsonElement> VerifyAsync(HttpClient client, string code, string name)
    {
        var response = await client.PostJsonAsync("api/v1/verifications", new { code, holderName = name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task ACodeOfProvinceBAskedAtAIsAnsweredByB()
    {
        await using var b = await StartProvinceBAsync();
        var keyForA = await b.CreatePartnerKeyAsync(provinces: "32", idMatching: true);
        await using var a = StartProvinceA(b.BaseUrl, keyForA.Plaintext);
        using var client = a.CreateNetworkClient();

        var fromB = await VerifyAsync(client, OnlyAtB, OnlyAtBHolder);
        var local = await VerifyAsync(client, "Y000044030006233000123", "王小明");

        Assert.Equal("VALID", fromB.Str("outcome"));
        Assert.Equal("钱*多", fromB.GetProperty("certificate").Str("holderNameMasked"));
        Assert.Equal("peer", fromB.GetProperty("answeredBy").Str("source"));
        Assert.Equal("32", fromB.GetProperty("answeredBy").Str("province"));
        Assert.Equal("江苏", fromB.GetProperty("answeredBy").Str("provinceName"));
        Assert.Equal("VALID", local.Str("outcome"));
        Assert.Equal("local", local.GetProperty("answeredBy").Str("source"));
        Assert.Equal("44", local.GetProperty("answeredBy").Str("province"));
        // A's own data does not have B's certificate: the answer above can only have come from B.
        Assert.Null(await a.Services.GetRequiredService<ISkillVerifyStore>().FindCertificateAsync(OnlyAtB));
    }

    [Fact]
    public async Task APartnersBatchAtAIsAnsweredPerItemByTheRightProvince()
    {
        await using var b = await StartProvinceBAsync();
        var keyForA = await b.CreatePartnerKeyAsync(provinces: "32");
        await using var a = StartProvinceA(b.BaseUrl, keyForA.Plaintext);
        var partner = await a.CreatePartnerKeyAsync(provinces: "32,44");
        using var client = a.CreateNetworkClient().WithKey(partner.Plaintext);

        var response = await client.PostJsonAsync("api/v1/verifications/batch", new
        {
            items = new object[] { new { code = OnlyAtB, holderName = OnlyAtBHolder }, new { code = "Y000044030006233000123", holderName = "王小明" } },
        });
        var items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("result")).ToList();

        Assert.Equal(["VALID", "VALID"], items.Select(i => i.Str("outcome")));
        Assert.Equal(["32", "44"], items.Select(i => i.GetProperty("answeredBy").Str("province")));
        Assert.Equal(["peer", "local"], items.Select(i => i.GetProperty("answeredBy").Str("source")));
    }

    [Fact]
    public async Task WithBStoppedTheAnswerIsUnknownWithinTheTimeout()
    {
        var b = await StartProvinceBAsync();
        var keyForA = await b.CreatePartnerKeyAsync(provinces: "32");
        await using var a = StartProvinceA(b.BaseUrl, keyForA.Plaintext);
        using var client = a.CreateNetworkClient();
        Assert.Equal("VALID", (await VerifyAsync(client, OnlyAtB, OnlyAtBHolder)).Str("outcome"));

        await b.DisposeAsync();
        var watch = Stopwatch.StartNew();
        var answer = await VerifyAsync(client, OnlyAtB, OnlyAtBHolder);
        watch.Stop();

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.Equal("peer_unavailable", answer.GetProperty("answeredBy").Str("source"));
        Assert.All(answer.GetProperty("checks").EnumerateArray(), c => Assert.Equal("unknown", c.Str("status")));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("certificate").ValueKind);
        // The fault-handling bound under test: the configured timeout, plus slack for a loaded machine (a hang would be
        // the HTTP client's own 100 s, or forever).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds + Slack), $"UNKNOWN took {watch.Elapsed.TotalSeconds:F1} s.");
    }

    [Fact]
    public async Task APeerThatNeverAnswersGivesUnknownWithinTheTimeout()
    {
        // Accepts connections and never says a word: the slow peer.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        await using var a = StartProvinceA(url, PartnerKeyHelpers.RandomWellFormedKey(), timeoutSeconds: 1);
        using var client = a.CreateNetworkClient();
        // A's first verification pays its start (JIT, database, pools): not what is timed here. CI once took 2.8 s at
        // load 17 without this.
        Assert.Equal("VALID", (await VerifyAsync(client, "Y000044030006233000123", "王小明")).Str("outcome"));

        var watch = Stopwatch.StartNew();
        var answer = await VerifyAsync(client, OnlyAtB, OnlyAtBHolder);
        watch.Stop();

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.Equal("federation.peer_unavailable", answer.Check("record").Str("code"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1 + Slack), $"UNKNOWN took {watch.Elapsed.TotalSeconds:F1} s.");
    }

    [Fact]
    public async Task WithNoPeerForTheProvinceTheRegistryIsCheckedAndTheRecordIsUnknown()
    {
        await using var a = StartProvinceA("http://127.0.0.1:9", PartnerKeyHelpers.RandomWellFormedKey());
        using var client = a.CreateNetworkClient();

        // 山东 (37) is not in A's peer directory; its issuer is on A's registry.
        var answer = await VerifyAsync(client, "S000037020202235000789", "刘芳");

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.Equal("pass", answer.Check("issuer_registry").Str("status"));
        Assert.Equal("unknown", answer.Check("record").Str("status"));
        Assert.Equal("federation.no_peer", answer.Check("record").Str("code"));
        Assert.Equal("no_peer", answer.GetProperty("answeredBy").Str("source"));
        Assert.Equal("37", answer.GetProperty("answeredBy").Str("province"));
    }

    [Fact]
    public async Task AForwardedQuestionIsAnsweredLocallyNeverForwardedAgain()
    {
        // A question marked as forwarded by a peer is answered from this instance's data (here: no peer for 44,
        // registry checks only), never passed on again, so two misconfigured instances cannot bounce it forever.
        await using var b = await StartProvinceBAsync(peerFor44: "http://127.0.0.1:9");
        var key = await b.CreatePartnerKeyAsync(provinces: "*");
        using var client = b.CreateNetworkClient().WithKey(key.Plaintext);
        client.DefaultRequestHeaders.Add("X-SkillVerify-Forwarded", "1");

        var answer = await VerifyAsync(client, "Y000044030006233000123", "王小明");

        Assert.Equal("no_peer", answer.GetProperty("answeredBy").Str("source"));
        Assert.Equal("UNKNOWN", answer.Str("outcome"));
    }
}
