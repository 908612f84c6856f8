using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using SkillVerify.Api.Deployment;
using SkillVerify.Api.Observability;
using SkillVerify.Data.Demo;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Observability;

public partial class ObservabilityTests
{
    private const string Code = "Y000044030006233000123";
    private const string Holder = "王小明";
    private const string IdNumber = "440305199203154212";

    /// <summary>/metrics on the test server's host, as an operator's management host pattern would serve it.</summary>
    internal static readonly Dictionary<string, string?> MetricsOnTestHost = new() { ["Observability:MetricsHost"] = "localhost" };

    [Fact]
    public async Task MetricsCountVerificationsByOutcomeAndChannel()
    {
        using var factory = SkillVerifyFactory.With(MetricsOnTestHost);
        var client = factory.CreateClient();
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });
        await client.PostJsonAsync("/api/v1/verifications", new { code = "S000032010101224000456", holderName = "张伟" });
        await client.PostRawAsync("/api/v1/verifications", "{"); // malformed: not a verification

        var metrics = await client.GetStringAsync("/metrics");

        // At least: the SDK listens to every meter of this name in the process, and other tests' hosts run alongside.
        Assert.True(Sample(metrics, "skillverify_verifications_total", "channel=\"api\"", "outcome=\"VALID\"") >= 2);
        Assert.True(Sample(metrics, "skillverify_verifications_total", "channel=\"api\"", "outcome=\"INVALID\"") >= 1);
        // The same code twice: the second verification's records come from cache.
        Assert.True(Sample(metrics, "skillverify_cache_lookups_total", "entity=\"certificate\"", "result=\"hit\"") >= 1);
        Assert.True(Sample(metrics, "skillverify_cache_lookups_total", "entity=\"certificate\"", "result=\"miss\"") >= 1);
        Assert.Contains("skillverify_db_operation_duration_seconds_count{", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        AssertNoPersonalData(metrics);
    }

    [Fact]
    public async Task EveryVerificationLeavesOneAuditRecordWithoutPersonalData()
    {
        using var factory = new SkillVerifyFactory();
        var client = factory.CreateClient();
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = "李四" });
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code });
        await client.PostJsonAsync("/api/v1/verifications", new { holderName = Holder }); // malformed: no audit record

        var audits = factory.Logs.Entries.Where(e => e.Category == VerificationAudit.Category).ToList();

        Assert.Equal(3, audits.Count);
        Assert.All(audits, a =>
        {
            Assert.Equal(9001, a.EventId.Id);
            Assert.Equal("VerificationAudited", a.EventId.Name);
            Assert.Equal("api", Value(a, "Channel"));
            Assert.Equal("anonymous", Value(a, "Caller"));
            Assert.Equal("Y000044030006233******", Value(a, "Code"));
            Assert.True(DateTimeOffset.TryParse(Value(a, "At"), CultureInfo.InvariantCulture, out _));
        });
        Assert.Equal(["VALID", "NOT_FOUND", "UNKNOWN"], audits.Select(a => Value(a, "Outcome")));
        AssertNoPersonalData(string.Join("\n", factory.Logs.Lines));
    }

    [Fact]
    public async Task EveryChannelLeavesOneAuditRecordPerVerificationNamingTheChannelAndCaller()
    {
        using var factory = SkillVerifyFactory.With(SkillVerify.IntegrationTests.Qr.QrTestSupport.FixedQrSettings());
        var partner = await factory.CreatePartnerKeyAsync();
        var client = factory.CreateClient();
        var keyed = factory.CreateClient().WithKey(partner.Plaintext);
        var token = SkillVerify.IntegrationTests.Qr.QrTestSupport.ExpectedToken(Code);

        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });
        await keyed.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });
        await keyed.PostJsonAsync("/api/v1/verifications/batch", new { items = new[] { new { code = Code, holderName = Holder }, new { code = "S000032010101224000456", holderName = "张伟" } } });
        await client.PostJsonAsync("/api/v1/scans", new { payload = Code, holderName = "李四" });
        await client.PostJsonAsync("/api/v1/scans", new { payload = $"{SkillVerify.IntegrationTests.Qr.QrTestSupport.PublicBaseUrl}/v/{Code}?t={token}" });
        await client.GetAsync($"/v/{Code}?t={token}");
        await client.PostAsync($"/v/{Code}", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = Holder }));
        await client.GetAsync($"/v/{Code}"); // the name form: nothing verified yet, no record

        var audits = factory.Logs.Entries.Where(e => e.Category == VerificationAudit.Category && e.EventId.Id == 9001)
            .Select(a => (Value(a, "Channel"), Value(a, "Caller"), Value(a, "Outcome"), Value(a, "Code"))).ToList();

        var partnerCaller = "partner:" + partner.Plaintext.Split('_')[1];
        Assert.Equal<(string?, string?, string?, string?)>(
        [
            ("api", "anonymous", "VALID", "Y000044030006233******"),
            ("api", partnerCaller, "VALID", "Y000044030006233******"),
            ("batch", partnerCaller, "VALID", "Y000044030006233******"),
            ("batch", partnerCaller, "INVALID", "S000032010101224******"),
            ("scan", "anonymous", audits[4].Item3, "Y000044030006233******"),
            ("scan", "token", "VALID", "Y000044030006233******"),
            ("page", "token", "VALID", "Y000044030006233******"),
            ("page", "anonymous", "VALID", "Y000044030006233******"),
        ], audits);
        Assert.NotEqual("VALID", audits[4].Item3);
        AssertNoPersonalData(string.Join("\n", factory.Logs.Lines));
    }

    private const string AdminKey = "an-admin-key-for-the-audit-test-0123456789";

    private static SkillVerifyFactory AdminFactory() => SkillVerifyFactory.With(new Dictionary<string, string?>
    {
        ["Privacy:HashKey"] = CacheFactory.HashKey,
        ["Admin:ApiKeys:0"] = AdminKey,
        [SkillVerifyFactory.SeedDemoData] = "true",
    });

    private static HttpClient AdminClient(SkillVerifyFactory factory)
    {
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add(SkillVerify.Api.Security.AdminKeys.Header, AdminKey);
        return admin;
    }

    [Fact]
    public async Task EveryAdminWriteLeavesOneAuditRecordWithWhoWhatAndWhy()
    {
        using var factory = AdminFactory();
        var admin = AdminClient(factory);

        var revoked = await admin.PostJsonAsync($"/api/v1/admin/certificates/{Code}/revocation", new { reason = "证书信息造假", effectiveDate = "2025-01-02" });
        var suspended = await admin.PostJsonAsync("/api/v1/admin/organizations/S000032010101/status-events", new { status = "suspended", effectiveDate = "2025-01-03", reason = "年度评估不合格" });
        await admin.PostJsonAsync($"/api/v1/admin/certificates/{Code}/revocation", new { effectiveDate = "2025-01-02" }); // refused: no reason, no write

        var audits = factory.Logs.Entries.Where(e => e.Category == VerificationAudit.Category && e.EventId.Id == 9002).ToList();

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Equal(SkillVerify.Api.Security.AdminKeys.Fingerprint(AdminKey), Value(a, "Who")));
        Assert.DoesNotContain(AdminKey, string.Join("\n", factory.Logs.Lines));
        Assert.Contains("revoked", Value(audits[0], "Action"));
        Assert.Equal("Y000044030006233******", Value(audits[0], "Target"));
        Assert.Equal("证书信息造假", Value(audits[0], "Reason"));
        Assert.Contains("suspended", Value(audits[1], "Action"));
        Assert.Equal("S000032010101", Value(audits[1], "Target"));
        Assert.Equal("年度评估不合格", Value(audits[1], "Reason"));
        AssertNoPersonalData(string.Join("\n", factory.Logs.Lines));
    }

    [Fact]
    public async Task AReasonIsAuditedWithItsCodesMaskedAndControlCharactersAreRefused()
    {
        using var factory = AdminFactory();
        var admin = AdminClient(factory);

        // Found by the log scan: a reason naming another certificate went into the audit whole, and a reason of a NUL,
        // a BEL or a bidi override was accepted and written to the log as it came.
        foreach (var (bad, position, shown) in new[] { ("\u0000", 1, "U+0000"), ("撤销\u0007", 3, "U+0007"), ("\u202E造假", 1, "U+202E"), ("第一行\u2028第二行", 4, "U+2028") })
        {
            var refused = await admin.PostJsonAsync($"/api/v1/admin/certificates/{Code}/revocation", new { reason = bad, effectiveDate = "2025-01-02" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.JsonAsync();
            Assert.Equal("request.reason_invalid_character", problem.Str("code"));
            Assert.Contains($"第 {position} 个字符 {shown}", problem.Str("messageZh"));
            Assert.Contains($"Character {position} of the reason (reason), {shown}", problem.Str("messageEn"));
        }
        var revoked = await admin.PostJsonAsync($"/api/v1/admin/certificates/{Code}/revocation",
            new { reason = "与 Y000044030006233000124 重复发放", effectiveDate = "2025-01-02" });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var audit = Assert.Single(factory.Logs.Entries, e => e.Category == VerificationAudit.Category && e.EventId.Id == 9002);
        Assert.Equal("与 Y000044030006233****** 重复发放", Value(audit, "Reason"));
        Assert.DoesNotContain("Y000044030006233000124", string.Join("\n", factory.Logs.Lines));
    }

    [Fact]
    public async Task MetricsAreNotServedOnTheServicePortByDefault()
    {
        using var factory = new SkillVerifyFactory();
        var client = factory.CreateClient();
        await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = Holder });

        using var metrics = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.DoesNotContain("skillverify_", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MetricsAreServedOnlyOnTheManagementPort()
    {
        var management = KestrelInstance.FreePort();
        await using var factory = new TwoPortFactory(management);
        using var service = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{factory.ServicePort}/") };
        using var scrape = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}/") };
        await service.PostJsonAsync("api/v1/verifications", new { code = Code, holderName = Holder });

        using var onService = await service.GetAsync("metrics");
        var onManagement = await scrape.GetStringAsync("metrics");

        Assert.Equal(HttpStatusCode.NotFound, onService.StatusCode);
        Assert.Contains("skillverify_verifications_total", onManagement);
    }

    /// <summary>Kestrel on a service port and a management port, /metrics bound to the second (Observability:MetricsHost=*:port).</summary>
    private sealed class TwoPortFactory : SkillVerifyFactory
    {
        public TwoPortFactory(int management)
            : base(new Dictionary<string, string?> { ["Observability:MetricsHost"] = $"*:{management}" })
        {
            ServicePort = KestrelInstance.FreePort();
            UseKestrel(o =>
            {
                o.Listen(IPAddress.Loopback, ServicePort);
                o.Listen(IPAddress.Loopback, management);
            });
            StartServer();
        }

        public int ServicePort { get; }
    }

    [Fact]
    public async Task LogsOfEveryDemoCaseCarryNoNameIdNumberOrFullCode()
    {
        using var factory = new SkillVerifyFactory();
        var partner = await factory.CreatePartnerKeyAsync(idMatching: true);
        var client = factory.CreateClient().WithKey(partner.Plaintext);
        foreach (var demo in DemoData.Cases)
        {
            await client.PostJsonAsync("/api/v1/verifications", new { code = demo.Code, holderName = demo.HolderName, idNumber = IdNumber });
            await client.GetAsync("/api/v1/codes/" + demo.Code);
            await client.GetAsync("/api/v1/organizations/" + demo.Code[..13]);
        }

        var logged = string.Join("\n", factory.Logs.Lines);

        Assert.Contains("Verification audited", logged);
        AssertNoPersonalData(logged);
    }

    [Fact]
    public async Task SpansCarryTheRouteNotTheCode()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or StoreTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        // No exporter in tests: tracing is asked for explicitly, as an operator with an in-process listener would.
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?> { ["Observability:Tracing"] = "true" });
        var client = factory.CreateClient();
        // A real code (a never-issued one is ruled out in memory, with no query), not asked before in this fresh instance.
        const string unique = "Y001111000001241000001";

        await client.GetAsync("/api/v1/codes/" + unique);
        await client.PostJsonAsync("/api/v1/verifications", new { code = unique, holderName = Holder });

        var all = spans.ToList();
        Assert.Contains(all, s => s.GetTagItem("url.path") as string == "/api/v1/codes/{code}");
        Assert.Contains(all, s => s.Source.Name == StoreTelemetry.SourceName && s.GetTagItem("db.operation.name") as string == "FindCertificate");
        foreach (var span in all)
        {
            var text = span.DisplayName + " " + string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            Assert.DoesNotContain(unique, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Holder, text);
        }
    }

    [Theory]
    [InlineData("/api/v1/codes/Y000044030006233000123", "/api/v1/codes/{redacted}")]
    [InlineData("/api/v1/codes/y-0000-44-030006-23-3-000123", "/api/v1/codes/{redacted}")]
    [InlineData("/api/v1/codes/%EF%BC%B9000044", "/api/v1/codes/{redacted}")]
    [InlineData("/api/v1/organizations/S000037020202", "/api/v1/organizations/{redacted}")]
    [InlineData("/v/Y000044030006233000123", "/v/{redacted}")]
    [InlineData("/api/v1/levels", "/api/v1/levels")]
    [InlineData("/health/live", "/health/live")]
    [InlineData(null, "/")]
    public void PathsAreRedactedForTraces(string? path, string expected) => Assert.Equal(expected, Redaction.Path(path));

    [Theory]
    [InlineData("8080", null, "http://127.0.0.1:8080/health/live")]
    [InlineData("8080;9464", null, "http://127.0.0.1:8080/health/live")]
    [InlineData(null, "http://+:5000;https://+:5001", "http://127.0.0.1:5000/health/live")]
    [InlineData(null, "http://0.0.0.0:7000/", "http://127.0.0.1:7000/health/live")]
    [InlineData("8080", "http://+:5000", "http://127.0.0.1:5000/health/live")]
    [InlineData(null, null, "http://127.0.0.1:8080/health/live")]
    public void HealthProbeFindsTheLocalPort(string? httpPorts, string? urls, string expected) =>
        Assert.Equal(expected, HealthProbe.LiveUrl(httpPorts, urls));

    [Fact]
    public async Task HealthProbeExitsZeroWhenLiveAndOneWhenNot()
    {
        using var factory = new KestrelFactory();

        Assert.Equal(0, await HealthProbe.RunAsync(new Uri(factory.BaseAddress, "/health/live").ToString()));
        Assert.Equal(1, await HealthProbe.RunAsync(new Uri(factory.BaseAddress, "/health/nothing-here").ToString()));
        Assert.Equal(1, await HealthProbe.RunAsync("http://127.0.0.1:1/health/live"));
    }

    /// <summary>No demo holder name, no ID number, no full 22-character certificate code.</summary>
    internal static void AssertNoPersonalData(string text)
    {
        foreach (var demo in DemoData.Cases)
        {
            Assert.DoesNotContain(demo.HolderName, text);
            Assert.DoesNotContain(demo.Code, text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(IdNumber, text);
        Assert.DoesNotMatch(FullCode(), text);
    }

    private static string? Value(LogEntry entry, string key) =>
        Convert.ToString(entry.State.Single(kv => kv.Key == key).Value, CultureInfo.InvariantCulture);

    internal static double Sample(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l.Contains))
            .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .Sum();

    [GeneratedRegex("[YS][0-9]{6}[0-9A-Z]{6}[0-9]{2}[X54321TS][0-9]{6}", RegexOptions.IgnoreCase)]
    private static partial Regex FullCode();
}
