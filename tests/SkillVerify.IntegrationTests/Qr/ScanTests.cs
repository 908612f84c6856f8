using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Caching;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>POST /api/v1/scans: every kind of thing a camera may read, and garbage.</summary>
public sealed class ScanTests(ScanTests.Service service) : IClassFixture<ScanTests.Service>
{
    public sealed class Service : IDisposable
    {
        public SkillVerifyFactory Factory { get; } = SkillVerifyFactory.With(FixedQrSettings());

        public void Dispose() => Factory.Dispose();
    }

    private static string OurLink(string code) => $"{PublicBaseUrl}/v/{code}?t={ExpectedToken(code)}";

    [Fact]
    public async Task OurLinkWithItsTokenShowsTheMaskedRecordWithoutAName()
    {
        var (response, body) = await ScanAsync(service.Factory.CreateClient(), OurLink(ValidCode));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var recognized = body.GetProperty("recognized");
        Assert.Equal("verificationUrl", recognized.GetProperty("kind").GetString());
        Assert.Equal("verify.example.gov.cn", recognized.GetProperty("host").GetString());
        Assert.True(recognized.GetProperty("officialHost").GetBoolean());
        Assert.Equal("valid", recognized.GetProperty("token").GetString());
        Assert.Equal("authorized", recognized.GetProperty("disclosure").GetString());
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal("VALID", body.GetProperty("verification").GetProperty("outcome").GetString());
        Assert.Equal("王*明", body.GetProperty("verification").GetProperty("certificate").GetProperty("holderNameMasked").GetString());
    }

    [Fact]
    public async Task UppercaseHostAndPathOfOurLinkAreStillOurs()
    {
        var (_, body) = await ScanAsync(service.Factory.CreateClient(), $"HTTPS://VERIFY.EXAMPLE.GOV.CN/V/{ValidCode}?t={ExpectedToken(ValidCode)}");
        Assert.Equal("verificationUrl", body.GetProperty("recognized").GetProperty("kind").GetString());
        Assert.Equal("valid", body.GetProperty("recognized").GetProperty("token").GetString());
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task OtherConfiguredOfficialHostIsNotWarned()
    {
        var (_, body) = await ScanAsync(service.Factory.CreateClient(), $"https://{OtherOfficialHost}/v/{ValidCode}?t={ExpectedToken(ValidCode)}");
        Assert.True(body.GetProperty("recognized").GetProperty("officialHost").GetBoolean());
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
    }

    [Theory]
    [InlineData("https://verify.examp1e.gov.cn/v/Y000044030006233000123?t=TOKEN", "verify.examp1e.gov.cn", "verificationUrl")]
    [InlineData("http://verify.example.gov.cn.evil.test/v/Y000044030006233000123?t=TOKEN", "verify.example.gov.cn.evil.test", "verificationUrl")]
    [InlineData("https://cert-check.example.com/query?no=Y0000-44-030006-23-3-000123", "cert-check.example.com", "urlWithCode")]
    [InlineData("https://example.net/a/b/Y000044030006233000123.html", "example.net", "urlWithCode")]
    [InlineData("https://xn--verfy-3ra.example.gov.cn/v/Y000044030006233000123", "xn--verfy-3ra.example.gov.cn", "verificationUrl")]
    [InlineData("https://verify.example.gov.cn@evil.test/v/Y000044030006233000123?t=TOKEN", "evil.test", "verificationUrl")]
    [InlineData("https://vérify.example.gov.cn/v/Y000044030006233000123?t=TOKEN", "xn--vrify-bsa.example.gov.cn", "verificationUrl")]
    public async Task LinkOnAHostThatIsNotOfficialIsWarnedAsPhishing(string link, string host, string kind)
    {
        // Even a genuine token copied onto another site discloses nothing there.
        var (response, body) = await ScanAsync(service.Factory.CreateClient(), link.Replace("TOKEN", ExpectedToken(ValidCode)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recognized = body.GetProperty("recognized");
        Assert.Equal(kind, recognized.GetProperty("kind").GetString());
        Assert.Equal(ValidCode, recognized.GetProperty("code").GetString());
        Assert.Equal(host, recognized.GetProperty("host").GetString());
        Assert.False(recognized.GetProperty("officialHost").GetBoolean());
        Assert.Equal("anonymous", recognized.GetProperty("disclosure").GetString());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "scan.unofficial_host");
        Assert.Contains(host, warning.GetProperty("messageZh").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("verification").GetProperty("certificate").ValueKind);
    }

    [Fact]
    public async Task WrongTokenOnOurHostIsWarnedAndNeedsTheName()
    {
        var (_, body) = await ScanAsync(service.Factory.CreateClient(), $"{PublicBaseUrl}/v/{ValidCode}?t=t1.AAAAAAAAAAAAAAAA");
        Assert.Equal("invalid", body.GetProperty("recognized").GetProperty("token").GetString());
        Assert.Contains(body.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "scan.token_invalid");
        Assert.Equal("UNKNOWN", body.GetProperty("verification").GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("verification").GetProperty("certificate").ValueKind);

        var (_, named) = await ScanAsync(service.Factory.CreateClient(), $"{PublicBaseUrl}/v/{ValidCode}?t=t1.AAAAAAAAAAAAAAAA", "王小明");
        Assert.Equal("VALID", named.GetProperty("verification").GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("Y000044030006233000123")]
    [InlineData("  ｙ０００ ０４４０３０００６２３３０００１２３ ")]
    [InlineData("y-0000-44-030006-23-3-000123")]
    public async Task BareCodeInAnyAcceptedFormIsRecognized(string payload)
    {
        var (response, body) = await ScanAsync(service.Factory.CreateClient(), payload, "王小明");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("code", body.GetProperty("recognized").GetProperty("kind").GetString());
        Assert.Equal(ValidCode, body.GetProperty("recognized").GetProperty("code").GetString());
        Assert.Equal("VALID", body.GetProperty("verification").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task SignedPayloadIsVerifiedAndWarnsWhenTheCertificateChangedSince()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var (_, payload) = await GetQrAsync(factory.AdminClient(), ValidCode, "?form=signed");
        var (_, body) = await ScanAsync(factory.CreateClient(), payload);
        Assert.Equal("signedPayload", body.GetProperty("recognized").GetProperty("kind").GetString());
        Assert.Equal("valid", body.GetProperty("recognized").GetProperty("signature").GetString());
        Assert.Equal("王*明", body.GetProperty("offline").GetProperty("holderNameMasked").GetString());
        Assert.Equal("VALID", body.GetProperty("verification").GetProperty("outcome").GetString());

        // Revoked after the QR was printed: the offline claims stay signed, the online answer prevails.
        await factory.Services.GetRequiredService<ISkillVerifyStore>().RevokeCertificateAsync(ValidCode, DateOnly.FromDateTime(DateTime.UtcNow), "测试撤销");
        await factory.Services.GetRequiredService<CacheInvalidator>().InvalidateAsync(CacheInvalidation.ForCertificates(ValidCode), CancellationToken.None);
        var (_, after) = await ScanAsync(factory.CreateClient(), payload);
        Assert.Equal("INVALID", after.GetProperty("verification").GetProperty("outcome").GetString());
        Assert.Contains(after.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "scan.offline_outdated");
    }

    public static TheoryData<string, string> Garbage() => new()
    {
        { "hello world", "code.length" },
        { "Y00004403000623300012O", "code.serial" },
        { "https://example.com/nothing/here", "scan.no_code" },
        { "http://", "scan.unrecognized" },
        { "javascript:alert(1)", "code.invalid_character" },
        { "ftp://example.com/Y000044030006233000123", "scan.unrecognized" },
        { "SV1:", "scan.signed_payload_malformed" },
        { "SV1:!!!!", "scan.signed_payload_malformed" },
        { "SV1:" + new string('A', 300), "scan.signed_payload_malformed" },
        { "SV1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B3KL6QM5/OVGA/MAT%ZSGHJS/N$Y2MS0-S/TG", "scan.signed_payload_malformed" },
        { "\u0000\u0001\u0002", "code.control_character" },
        { "   ", "scan.payload_required" },
        { new string('x', 3000), "scan.payload_too_long" },
        { "<script>alert(1)</script>", "code.invalid_character" },
        { "https://example.com/" + new string('a', 80) + "<script>", "scan.no_code" },
        { "WIFI:S:home;T:WPA;P:secret;;", "code.invalid_character" },
        { "BEGIN:VCARD\nVERSION:3.0\nFN:王小明\nORG:深圳华强精密制造有限公司\nTEL:0755-26880000\nEND:VCARD", "scan.unrecognized" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task GarbageIsA400ProblemNeverA5xx(string payload, string code)
    {
        var (response, body) = await ScanAsync(service.Factory.CreateClient(), payload);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"payload\": 5}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"payload\": ", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("null", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("payload=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task MalformedBodiesAreProblemsNeverA5xx(string content, string mediaType, HttpStatusCode status)
    {
        using var response = await service.Factory.CreateClient().PostAsync("/api/v1/scans", new StringContent(content, Encoding.UTF8, mediaType));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RandomBytesNeverCauseA5xx()
    {
        var random = new Random(5);
        var client = service.Factory.CreateClient();
        for (var i = 0; i < 60; i++)
        {
            var length = random.Next(1, 400);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = i % 3 == 0 ? Api.Qr.Base45.Alphabet[random.Next(45)] : (char)random.Next(1, 0xD7FF);
            }
            var payload = (i % 3 == 0 ? "SV1:" : i % 3 == 1 ? "https://x.test/v/" : "") + new string(chars);
            var (response, _) = await ScanAsync(client, payload);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for payload #{i}");
        }
    }
}
