using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Partners;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Data.Partners;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>Partner keys in X-Api-Key: every 401 and 403, keys refused in URLs, a million forged keys leaving nothing behind.</summary>
public class PartnerKeyTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    private const string Batch = "/api/v1/verifications/batch";
    private const string Single = "/api/v1/verifications";
    private static readonly object OneItem = new { items = new[] { new { code = "Y000044030006233000123", holderName = "王小明" } } };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.JsonAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body.Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("messageZh")));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("messageEn")));
    }

    [Fact]
    public async Task BatchWithoutAKeyIs401()
    {
        var response = await factory.CreateClient().PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_required");
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("svk_0123456789ab_short")]
    public async Task AMalformedKeyIs401(string key)
    {
        var response = await factory.CreateClient().WithKey(key).PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task AWellFormedKeyThatWasNeverIssuedIs401()
    {
        var response = await factory.CreateClient().WithKey(PartnerKeyHelpers.RandomWellFormedKey()).PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task ARealKeyIdWithAWrongSecretIs401()
    {
        var created = await factory.CreatePartnerKeyAsync();
        var tampered = created.Plaintext[..^1] + (created.Plaintext[^1] == 'A' ? 'B' : 'A');

        var response = await factory.CreateClient().WithKey(tampered).PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task AnExpiredKeyIs401()
    {
        // Written straight to the store: the service itself refuses to create a key that is already expired.
        var plaintext = PartnerKeyHelpers.RandomWellFormedKey();
        var now = DateTimeOffset.UtcNow;
        await factory.Services.GetRequiredService<PartnerKeyStore>().InsertAsync(new PartnerKey(
            PartnerKeys.TryGetId(plaintext)!, "过期的合作方", PartnerKeys.Hash(plaintext), new PartnerScope(["*"], true, true), 100,
            now.AddMinutes(-1), null, now.AddDays(-30)));
        await factory.RefreshPartnerKeysAsync();

        var response = await factory.CreateClient().WithKey(plaintext).PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_expired");
    }

    [Fact]
    public async Task ARevokedKeyIs401OnBothEndpoints()
    {
        var created = await factory.CreatePartnerKeyAsync();
        var client = factory.CreateClient().WithKey(created.Plaintext);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync(Batch, OneItem)).StatusCode);

        Assert.True(await factory.Services.GetRequiredService<PartnerKeys>().RevokeAsync(created.Key.Id));
        await factory.RefreshPartnerKeysAsync();

        await AssertProblemAsync(await client.PostJsonAsync(Batch, OneItem), HttpStatusCode.Unauthorized, "auth.key_revoked");
        await AssertProblemAsync(await client.PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明" }),
            HttpStatusCode.Unauthorized, "auth.key_revoked");
    }

    [Fact]
    public async Task AnInvalidKeyOnTheSingleEndpointIs401RatherThanAnonymous()
    {
        var response = await factory.CreateClient().WithKey("wrong").PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明" });

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task AnAdminKeyIsAnonymousOnThePublicEndpointAndNotAPartnerOnBatch()
    {
        var client = factory.CreateClient().WithKey(SkillVerify.Api.Security.AdminOptions.DemoKey);

        var single = await client.PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明" });
        var batch = await client.PostJsonAsync(Batch, OneItem);

        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        await AssertProblemAsync(batch, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task TheDemoPartnerKeyWorksOnlyOnTheEmbeddedDemo()
    {
        using var configured = SkillVerifyFactory.With(new Dictionary<string, string?>
        {
            ["ConnectionStrings:SkillVerify"] = "Data Source=" + Path.Combine(Path.GetTempPath(), "skillverify-tests", $"sv-{Guid.NewGuid():N}.db"),
            ["Privacy:HashKey"] = Convert.ToBase64String(new byte[32]),
        });

        var onDemo = await factory.CreateClient().WithKey(PartnerKeyDirectory.DemoKey).PostJsonAsync(Batch, OneItem);
        var onConfigured = await configured.CreateClient().WithKey(PartnerKeyDirectory.DemoKey).PostJsonAsync(Batch, OneItem);

        Assert.Equal(PartnerKeys.KeyLength, PartnerKeyDirectory.DemoKey.Length);
        Assert.Equal(HttpStatusCode.OK, onDemo.StatusCode);
        await AssertProblemAsync(onConfigured, HttpStatusCode.Unauthorized, "auth.key_invalid");
    }

    [Fact]
    public async Task AKeyWithoutBatchScopeIs403OnBatch()
    {
        var created = await factory.CreatePartnerKeyAsync(batch: false);

        var response = await factory.CreateClient().WithKey(created.Plaintext).PostJsonAsync(Batch, OneItem);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.batch_not_allowed");
    }

    [Fact]
    public async Task AProvinceOutsideTheKeysScopeIs403()
    {
        var created = await factory.CreatePartnerKeyAsync(provinces: "32,37");

        var response = await factory.CreateClient().WithKey(created.Plaintext)
            .PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.province_not_allowed");
    }

    [Fact]
    public async Task AnIdNumberWithoutIdMatchingScopeIs403()
    {
        var created = await factory.CreatePartnerKeyAsync(idMatching: false);

        var response = await factory.CreateClient().WithKey(created.Plaintext)
            .PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154212" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.id_matching_not_allowed");
    }

    [Fact]
    public async Task AKeyInScopeVerifiesAndTheAnswerIsNotCacheable()
    {
        var created = await factory.CreatePartnerKeyAsync(provinces: "44", idMatching: true);

        var response = await factory.CreateClient().WithKey(created.Plaintext)
            .PostJsonAsync(Single, new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154212" });
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("VALID", body.Str("outcome"));
        Assert.Equal("4403**********4212", body.GetProperty("certificate").Str("idNumberMasked"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task APartnerKeyDoesNotUnlockRecordsByCodeAlone()
    {
        var created = await factory.CreatePartnerKeyAsync();

        var body = await (await factory.CreateClient().WithKey(created.Plaintext)
            .PostJsonAsync(Single, new { code = "Y000044030006233000123" })).JsonAsync();

        Assert.Equal("UNKNOWN", body.Str("outcome"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("certificate").ValueKind);
    }

    [Theory]
    [InlineData(Batch + "?apiKey=")]
    [InlineData(Batch + "?api_key=")]
    [InlineData(Single + "?X-Api-Key=")]
    [InlineData(Single + "?key=")]
    public async Task AKeyInTheQueryStringIsRefused(string url)
    {
        var created = await factory.CreatePartnerKeyAsync();

        var response = await factory.CreateClient().PostJsonAsync(url + Uri.EscapeDataString(created.Plaintext), OneItem);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "auth.key_in_query");
    }

    [Fact]
    public async Task ForgedKeysOverHttpAreAll401AndCreateNoPartition()
    {
        var windows = factory.Services.GetRequiredService<ApiRateLimitPolicy>();
        var directory = factory.Services.GetRequiredService<PartnerKeyDirectory>();
        var client = factory.CreateClient();
        await client.PostJsonAsync(Single, new { code = "Y000044030006233000123" });
        var windowsBefore = windows.PartitionsCreated;
        var keysBefore = directory.Count;

        for (var i = 0; i < 100; i++)
        {
            var response = await client.WithKey(PartnerKeyHelpers.RandomWellFormedKey()).PostJsonAsync(Batch, OneItem);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
        }

        Assert.Equal(windowsBefore, windows.PartitionsCreated);
        Assert.Equal(keysBefore, directory.Count);
    }

    [Fact]
    public async Task TheStoreKeepsOnlyADigestAndListsKeysWithoutSecrets()
    {
        var keys = factory.Services.GetRequiredService<PartnerKeys>();
        var created = await factory.CreatePartnerKeyAsync(provinces: "32,44", idMatching: true, perMinute: 600);

        var listed = (await keys.ListAsync()).Single(k => k.Id == created.Key.Id);

        Assert.Equal(["32", "44"], listed.Scope.Provinces);
        Assert.True(listed.Scope.BatchAllowed);
        Assert.True(listed.Scope.IdMatchingAllowed);
        Assert.Equal(600, listed.RequestsPerMinute);
        Assert.Equal(32, listed.KeyHash.Length);
        Assert.NotEqual(created.Plaintext, Convert.ToBase64String(listed.KeyHash));
        Assert.Equal(PartnerKeyState.Valid, (await keys.AuthenticateAsync(created.Plaintext)).State);
        Assert.Equal(PartnerKeyState.Invalid, (await keys.AuthenticateAsync(PartnerKeyHelpers.RandomWellFormedKey())).State);
        await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync(new NewPartnerKey("x", ["99"], true, false, 10, null)));
    }
}
