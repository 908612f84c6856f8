using System.Net;
using System.Text.Json;
using SkillVerify.Api.Qr;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>Every generated QR is read back by a real decoder (zbarimg) to exactly the payload intended.</summary>
public sealed class QrImageTests(QrImageTests.Service service) : IClassFixture<QrImageTests.Service>
{
    public sealed class Service : IDisposable
    {
        public SkillVerifyFactory Factory { get; } = SkillVerifyFactory.With(FixedQrSettings());

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData("", "default")]
    [InlineData("?scale=2&ecc=L", "scale2-L")]
    [InlineData("?scale=5&ecc=H", "scale5-H")]
    [InlineData("?scale=20&ecc=q", "scale20-Q")]
    public async Task PlainPngReadsBackAsTheVerificationLinkWithItsToken(string query, string name)
    {
        var (png, header) = await GetQrAsync(service.Factory.AdminClient(), "y0000-44-030006-23-3-000123", query);
        var expected = $"{PublicBaseUrl}/v/{ValidCode}?t={ExpectedToken(ValidCode)}";
        Assert.Equal(expected, header);
        Assert.Equal(expected, await ReadWithZbarAsync(png, "plain-" + name));
    }

    [Theory]
    [InlineData("?form=signed", "default")]
    [InlineData("?form=signed&scale=3&ecc=L", "scale3-L")]
    [InlineData("?form=signed&scale=4&ecc=H", "scale4-H")]
    public async Task SignedPngReadsBackAsTheSignedPayload(string query, string name)
    {
        var admin = service.Factory.AdminClient();
        var (png, payload) = await GetQrAsync(admin, ValidCode, query);
        Assert.StartsWith(SignedPayload.Prefix, payload);
        Assert.Equal(payload, await ReadWithZbarAsync(png, "signed-" + name));

        var verified = SignedPayload.Verify(payload, await GetJwksAsync(admin));
        Assert.Equal(OfflineStatus.Valid, verified.Status);
        Assert.Equal(ValidCode, verified.Claims!.Code);
        Assert.Equal("王*明", verified.Claims.HolderNameMasked);
        Assert.Equal("3", verified.Claims.LevelCode);
        Assert.Equal("6-31-01-03", verified.Claims.OccupationCode);
        Assert.Equal("Y000044030006", verified.Claims.IssuerCode);
        Assert.Equal("2023-06-15", verified.Claims.IssueDate);
    }

    [Fact]
    public async Task SvgEncodesTheSameLinkAsThePng()
    {
        using var response = await service.Factory.AdminClient().GetAsync($"/api/v1/certificates/{ValidCode}/qr.svg?scale=4");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{PublicBaseUrl}/v/{ValidCode}?t={ExpectedToken(ValidCode)}", response.Headers.GetValues(QrApi.PayloadHeader).Single());
        Assert.Contains("<svg", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("?scale=1", "qr.scale")]
    [InlineData("?scale=21", "qr.scale")]
    [InlineData("?scale=-3", "qr.scale")]
    [InlineData("?scale=8.5", "qr.scale")]
    [InlineData("?scale=99999999999999999999", "qr.scale")]
    [InlineData("?ecc=X", "qr.ecc")]
    [InlineData("?ecc=", "qr.ecc")]
    [InlineData("?form=jpeg", "qr.form")]
    public async Task OutOfRangeRequestsAreA400Problem(string query, string code)
    {
        using var response = await service.Factory.AdminClient().GetAsync($"/api/v1/certificates/{ValidCode}/qr.png{query}");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task QrCodesNeedAnAdminKey()
    {
        using var response = await service.Factory.CreateClient().GetAsync($"/api/v1/certificates/{ValidCode}/qr.png");
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.admin_key_required");
    }

    [Fact]
    public async Task UnknownMalformedAndLegacyCodesAreRefused()
    {
        var admin = service.Factory.AdminClient();
        await AssertProblemAsync(await admin.GetAsync("/api/v1/certificates/Y000044030006233999999/qr.png"), HttpStatusCode.NotFound, "certificate.not_found");
        await AssertProblemAsync(await admin.GetAsync("/api/v1/certificates/Y00004403000623300012/qr.png"), HttpStatusCode.BadRequest, "code.length");
        await AssertProblemAsync(await admin.GetAsync("/api/v1/certificates/1910010112345678/qr.png"), HttpStatusCode.BadRequest, "qr.legacy_code");
    }

    [Fact]
    public async Task NoSignedQrForACertificateThatIsNotValid()
    {
        using var response = await service.Factory.AdminClient().GetAsync($"/api/v1/certificates/{RevokedCode}/qr.png?form=signed");
        await AssertProblemAsync(response, HttpStatusCode.Conflict, "qr.certificate_not_valid");
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("messageZh").GetString()));
    }
}

/// <summary>Outside the embedded demo nothing is invented: without configured keys the QR features say which setting is missing.</summary>
public sealed class QrWithoutSettingsTests
{
    private const string AdminKey = "an-admin-key-for-tests-0123456789abcdef";

    [Fact]
    public async Task WithoutKeysQrImagesNameTheMissingSettingAndTokensAuthorizeNothing()
    {
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?>
        {
            ["Privacy:HashKey"] = CacheFactory.HashKey,
            ["Admin:ApiKeys:0"] = AdminKey,
        });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(SkillVerify.Api.Security.AdminKeys.Header, AdminKey);

        await QrImageTests.AssertProblemAsync(await client.GetAsync($"/api/v1/certificates/{ValidCode}/qr.png"), HttpStatusCode.ServiceUnavailable, "qr.not_configured");
        await QrImageTests.AssertProblemAsync(await client.GetAsync($"/api/v1/certificates/{ValidCode}/qr.svg?form=signed"), HttpStatusCode.ServiceUnavailable, "qr.not_configured");
        Assert.Empty((await GetJwksAsync(client)).Keys);
        var page = await client.GetStringAsync($"/v/{ValidCode}?t=demo.AAAAAAAAAAAAAAAA");
        Assert.Contains("name=\"name\"", page);
        Assert.DoesNotContain("data-state", page);
    }
}
