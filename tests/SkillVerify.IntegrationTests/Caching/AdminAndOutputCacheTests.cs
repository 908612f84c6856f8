using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>The admin write endpoints' validation, and what the output cache may and may not keep. In-process cache only (no Redis).</summary>
[Collection(CacheCollection.Name)]
public sealed class AdminAndOutputCacheTests : IDisposable
{
    private readonly SkillVerifyFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task AdminWritesNeedTheKeyAndAValidRequest()
    {
        var client = factory.CreateClient();
        var url = $"/api/v1/admin/certificates/{ValidCode}/revocation";
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(url, new { reason = "x", effectiveDate = today })).StatusCode);

        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        await AssertProblemAsync(await client.PostAsJsonAsync(url, new { effectiveDate = today }), HttpStatusCode.BadRequest, "request.reason_required");
        await AssertProblemAsync(await client.PostAsJsonAsync(url, new { reason = "伪造", effectiveDate = "2025-13-01" }), HttpStatusCode.BadRequest, "request.effective_date");
        await AssertProblemAsync(await client.PostAsJsonAsync(url, new { reason = "伪造", effectiveDate = "2999-01-01" }), HttpStatusCode.BadRequest, "request.effective_date_future");
        await AssertProblemAsync(await client.PostAsJsonAsync(url, new { reason = "伪造", effectiveDate = "2019-01-01" }), HttpStatusCode.BadRequest, "request.effective_date_before_issue");
        await AssertProblemAsync(await client.PostAsJsonAsync(url, new { reason = new string('长', 201), effectiveDate = today }), HttpStatusCode.BadRequest, "request.reason_too_long");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/certificates/Y000044030006233999999/revocation", new { reason = "伪造", effectiveDate = today }),
            HttpStatusCode.NotFound, "certificate.not_found");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/certificates/Y0000440300/revocation", new { reason = "伪造", effectiveDate = today }),
            HttpStatusCode.BadRequest, null);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events", new { status = "closed", effectiveDate = today }),
            HttpStatusCode.BadRequest, "request.status");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044039999/status-events", new { status = "suspended", effectiveDate = today }),
            HttpStatusCode.NotFound, "organization.not_found");

        // Cached VALID first; the revocation is seen at once (full-width input is normalized like everywhere else).
        client.DefaultRequestHeaders.Remove(AdminKeys.Header);
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        var revoked = await client.PostAsJsonAsync("/api/v1/admin/certificates/ｙ000044030006233000123/revocation", new { reason = "伪造材料", effectiveDate = today });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("no-store", revoked.Headers.CacheControl?.ToString());
        var body = await revoked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ValidCode, body.GetProperty("code").GetString());
        Assert.Equal("revoked", body.GetProperty("status").GetString());
        Assert.Equal("INVALID", await OutcomeAsync(client, ValidCode, ValidName));
    }

    [Fact]
    public async Task AMistakenStatusEventIsRetractedByACorrectionAndStaysInTheHistory()
    {
        // Landed main had no correction: a mistaken suspension voided every certificate of its period for good.
        var client = factory.CreateClient();
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        var added = await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events",
            new { status = "suspended", effectiveDate = "2023-01-01", reason = "误录为本机构" });
        var seq = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
        Assert.Equal("INVALID", await OutcomeAsync(client, ValidCode, ValidName));

        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events/corrections", new { reason = "录入错误" }),
            HttpStatusCode.BadRequest, "request.seq_required");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events/corrections", new { seq = 999_999, reason = "录入错误" }),
            HttpStatusCode.NotFound, "status_event.not_found");
        var corrected = await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events/corrections", new { seq, reason = "录入错误：应为另一机构" });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/organizations/Y000044030006/status-events/corrections", new { seq, reason = "再次" }),
            HttpStatusCode.Conflict, "status_event.already_retracted");

        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        client.DefaultRequestHeaders.Remove(AdminKeys.Header);
        var history = (await client.GetFromJsonAsync<JsonElement>("/api/v1/organizations/Y000044030006")).GetProperty("statusHistory").EnumerateArray().ToList();
        var retracted = history.Single(e => e.GetProperty("seq").GetInt64() == seq);
        Assert.Equal("suspended", retracted.GetProperty("status").GetString());
        Assert.Equal("录入错误：应为另一机构", retracted.GetProperty("retracted").GetProperty("reason").GetString());
        Assert.Equal("registered", (await client.GetFromJsonAsync<JsonElement>("/api/v1/organizations/Y000044030006")).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task PublicAnswersAreOutputCachedButNothingAskedWithAKeyOrAName()
    {
        var client = factory.CreateClient();
        foreach (var url in new[] { "/api/v1/levels", "/api/v1/organizations/Y000044030006", "/api/v1/organizations?province=44" })
        {
            using var first = await client.GetAsync(url);
            using var second = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.True(second.Headers.Age is not null, $"{url} was not served from the output cache.");
        }

        // A verification names a person: never kept by any cache.
        var (_, _, verification) = await VerifyAsync(client, ValidCode, ValidName);
        var (_, _, again) = await VerifyAsync(client, ValidCode, ValidName);
        Assert.Equal("no-store", again.Headers.CacheControl?.ToString());
        Assert.Null(again.Headers.Age);
        verification.Dispose();

        // Asked with a key: neither served from nor stored in the output cache.
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/levels");
        keyed.Headers.Add(AdminKeys.Header, AdminOptions.DemoKey);
        using var keyedResponse = await client.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, keyedResponse.StatusCode);
        Assert.Null(keyedResponse.Headers.Age);
    }

    [Fact]
    public async Task ADecodeIsComputedEachTimeAndPublicForCachesUntilMidnightInBeijing()
    {
        var client = factory.CreateClient();
        var beijing = DateTime.UtcNow.AddHours(8);
        var untilMidnight = (beijing.Date.AddDays(1) - beijing).TotalSeconds;
        foreach (var code in new[] { ValidCode, "Y000044987654233000001" })
        {
            using var first = await client.GetAsync("/api/v1/codes/" + code);
            using var second = await client.GetAsync("/api/v1/codes/" + code);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            // Pure and cheaper than an output-cache insert: no Age, the same bytes, and caching left to browsers and proxies.
            Assert.Null(second.Headers.Age);
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
            var cacheControl = second.Headers.CacheControl;
            Assert.NotNull(cacheControl);
            Assert.True(cacheControl!.Public, $"Cache-Control: {cacheControl}");
            Assert.False(cacheControl.NoStore || cacheControl.Private);
            Assert.InRange(cacheControl.MaxAge!.Value.TotalSeconds, 1, Math.Min(3600, untilMidnight + 1));
        }
        // A code that cannot be parsed is a problem, not something to keep.
        using var bad = await client.GetAsync("/api/v1/codes/Y0000440300O6233000123");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False(bad.Headers.CacheControl?.Public ?? false);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.TryGetProperty("code", out var actual), "A problem has a stable code.");
        if (code is not null)
        {
            Assert.Equal(code, actual.GetString());
        }
    }
}
