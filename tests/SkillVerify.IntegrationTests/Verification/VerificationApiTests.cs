using System.Net;
using System.Text.Json;
using SkillVerify.Data.Demo;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Verification;

/// <summary>POST /api/v1/verifications over the embedded default: a real SQLite file with the demo dataset.</summary>
public class VerificationApiTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    private async Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> VerifyAsync(object body)
    {
        var response = await client.PostJsonAsync("/api/v1/verifications", body);
        return (response, await response.JsonAsync());
    }

    [Fact]
    public async Task AGenuineCertificateWithItsHoldersNameIsValid()
    {
        var (response, body) = await VerifyAsync(new { code = "Y000044030006233000123", holderName = "王小明" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("VALID", body.Str("outcome"));
        Assert.Equal(11, body.GetProperty("checks").GetArrayLength());
        var certificate = body.GetProperty("certificate");
        Assert.Equal("王*明", certificate.Str("holderNameMasked"));
        Assert.Equal("3", certificate.GetProperty("level").Str("code"));
        Assert.Equal("6-31-01-03", certificate.GetProperty("occupation").Str("code"));
        Assert.Equal("深圳华强精密制造有限公司", certificate.GetProperty("issuer").Str("name"));
        Assert.Equal("2023-06-15", certificate.Str("issueDate"));
        Assert.True(body.GetProperty("freshness").GetProperty("registrySnapshot").GetInt64() > 0);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("Y001111000001241000001", "李建国")]
    [InlineData("Y00111100000124T000002", "周卫东")]
    [InlineData("S000037020202235000789", "刘芳")]
    [InlineData("y 0000 44 030006 23 3 000123", "王小明")]
    public async Task EveryDemoCaseDocumentedAsValidIsValid(string code, string name)
    {
        var (_, body) = await VerifyAsync(new { code, holderName = name });

        Assert.Equal("VALID", body.Str("outcome"));
    }

    [Fact]
    public async Task ALaterSuspensionOfTheIssuerIsShownButDoesNotVoidTheCertificate()
    {
        var (_, body) = await VerifyAsync(new { code = "S000037020202235000789", holderName = "刘芳" });

        Assert.Equal("issuer_status.ok_later_suspended", body.Check("issuer_status").Str("code"));
        Assert.Equal("suspended", body.GetProperty("certificate").GetProperty("issuer").Str("currentStatus"));
    }

    [Theory]
    [InlineData("S000032010101224000456", "张伟", "revocation", "status.revoked")]
    [InlineData("S000037020202255000012", "陈静", "issuer_status", "issuer_status.suspended")]
    [InlineData("Y000044030006242000050", "孙丽", "issuer_scope", "scope.out_of_scope")]
    [InlineData("Y00004403000623S000004", "钱军", "review", "review.refused")]
    [InlineData("S00003201010123X000001", "王小明", "issuer_level", "issuer_level.not_allowed")]
    [InlineData("Y00004403000620T000001", "王小明", "issue_year", "issue_year.level_too_early")]
    [InlineData("Y000044030006993000123", "王小明", "issue_year", "issue_year.future")]
    [InlineData("Y000098030006233000123", "王小明", "format", "province.unknown")]
    public async Task EachCheckCanFailOverHttp(string code, string name, string check, string expectedCode)
    {
        var (response, body) = await VerifyAsync(new { code, holderName = name });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("INVALID", body.Str("outcome"));
        Assert.Equal("fail", body.Check(check).Str("status"));
        Assert.Equal(expectedCode, body.Check(check).Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(body.Check(check).Str("messageZh")));
        Assert.False(string.IsNullOrWhiteSpace(body.Check(check).Str("messageEn")));
    }

    [Theory]
    [InlineData("Y000044999999233000001", "王小明", "issuer_registry", "issuer.not_found")]
    [InlineData("Y000044030006233000123", "李四", "holder", "holder.no_match")]
    [InlineData("Y000044030006233999999", "王小明", "record", "record.no_match")]
    public async Task NothingMatchingIsNotFoundNeverInvalid(string code, string name, string check, string expectedCode)
    {
        // Landed main answered each of these INVALID ("fake") although each is most often a typo.
        var (response, body) = await VerifyAsync(new { code, holderName = name });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("NOT_FOUND", body.Str("outcome"));
        Assert.Equal("fail", body.Check(check).Str("status"));
        Assert.Equal(expectedCode, body.Check(check).Str("code"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("certificate").ValueKind);
    }

    [Theory]
    [InlineData("Y00004403000622T000007", "赵强", "VALID", "historical", "2024-07-01")]
    [InlineData("Y00111100000126T000008", "郑华", "VALID", "not_yet_in_force", "2029-01-01")]
    [InlineData("Y00111100000124T000002", "周卫东", "VALID", "current", null)]
    [InlineData("Y00004403000623T000003", "周杰", "UNKNOWN", "pending_review", null)]
    public async Task AGenuineCertificateStatesItsStanding(string code, string name, string outcome, string standing, string? since)
    {
        // Landed main answered the ended term and the pending review INVALID.
        var (_, body) = await VerifyAsync(new { code, holderName = name });

        Assert.Equal(outcome, body.Str("outcome"));
        var certificate = body.GetProperty("certificate");
        Assert.Equal(standing, certificate.Str("standing"));
        Assert.Equal(since, certificate.GetProperty("standingSince").ValueKind == JsonValueKind.Null ? null : certificate.Str("standingSince"));
    }

    [Fact]
    public async Task ACodeThatCannotBeDecodedIsA400ProblemNamingThePositionAndTheCharacter()
    {
        // Landed main answered 200 INVALID (red "fake") for what is a typing error.
        var response = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y0000440300062330001O3", holderName = "王小明" });
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("code.serial", body.Str("code"));
        Assert.Equal(21, body.GetProperty("position").GetInt32());
        Assert.Contains("Position 21", body.Str("messageEn"));
        Assert.Contains("'O' for the digit 0", body.Str("messageEn"));
        Assert.Contains("第21位", body.Str("messageZh"));
    }

    [Fact]
    public async Task AnUnknownCodeAndARealCodeWithAWrongNameGiveByteIdenticalResponses()
    {
        // Warm both so neither answer differs by coming from the cache; the real code twice, so its answer is the
        // memoized one (AnswerMemo: admitted on the second answer from cache) while the unknown code's is computed again.
        for (var i = 0; i < 3; i++)
        {
            await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123", holderName = "李四" });
            await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000124", holderName = "李四" });
        }

        var real = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123", holderName = "李四" });
        var unknown = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000124", holderName = "李四" });

        Assert.Equal(real.StatusCode, unknown.StatusCode);
        var realBytes = await real.Content.ReadAsByteArrayAsync();
        var unknownBytes = await unknown.Content.ReadAsByteArrayAsync();
        Assert.Equal(realBytes, unknownBytes);
        Assert.Equal("NOT_FOUND", (await real.JsonAsync()).Str("outcome"));
        Assert.Equal(HeadersOf(real), HeadersOf(unknown));
    }

    /// <summary>Every response and content header but Date and RateLimit (the caller's remaining budget counts down), as name: value lines.</summary>
    internal static string HeadersOf(HttpResponseMessage response) =>
        string.Join("\n", response.Headers.Concat(response.Content.Headers).Where(h => h.Key is not ("Date" or "RateLimit"))
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}").Order(StringComparer.Ordinal));

    [Fact]
    public async Task NoResponseToACodeOnlyQueryContainsHolderData()
    {
        foreach (var demo in DemoData.Cases)
        {
            var response = await client.PostJsonAsync("/api/v1/verifications", new { code = demo.Code });
            var text = await response.Content.ReadAsStringAsync();
            var body = await response.JsonAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("certificate").ValueKind);
            Assert.DoesNotContain(demo.HolderName, text);
            Assert.DoesNotContain(Domain.Privacy.HolderNormalization.MaskName(demo.HolderName), text);
            Assert.DoesNotContain("holderNameMasked", text);
            Assert.Equal("holder.name_required", body.Check("holder").Str("code"));
            Assert.NotEqual("VALID", body.Str("outcome"));

            var decode = await client.GetStringAsync("/api/v1/codes/" + demo.Code);
            Assert.DoesNotContain(demo.HolderName, decode);
            Assert.DoesNotContain(Domain.Privacy.HolderNormalization.MaskName(demo.HolderName), decode);
        }
    }

    [Fact]
    public async Task ACodeOnlyAnswerForARealCodeLooksLikeOneForAnUnknownCode()
    {
        var real = await (await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123" })).Content.ReadAsStringAsync();
        var unknown = await (await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000124" })).Content.ReadAsStringAsync();

        Assert.Equal(Strip(real), Strip(unknown));

        static string Strip(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"fromCache\":(true|false)", "");
    }

    [Theory]
    [InlineData("{}", "request.code_required")]
    [InlineData("{\"holderName\":\"王小明\"}", "request.code_required")]
    [InlineData("{\"code\": 12}", "request.invalid_json")]
    [InlineData("{\"code\": \"Y000044030006233000123\"", "request.invalid_json")]
    [InlineData("not json", "request.invalid_json")]
    [InlineData("", "request.invalid_json")]
    [InlineData("null", "request.empty")]
    public async Task AMalformedRequestIsABadRequestProblem(string body, string expectedCode)
    {
        var response = await client.PostRawAsync("/api/v1/verifications", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(expectedCode, problem.Str("code"));
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("messageZh")));
    }

    [Fact]
    public async Task ACodeOverSixtyFourCharactersIsABadRequest()
    {
        var response = await client.PostJsonAsync("/api/v1/verifications", new { code = new string('1', 65) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.code_too_long", (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task AnOverlongNameIsABadRequest()
    {
        var response = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123", holderName = new string('张', 65) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.holder_name_too_long", (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task AWrongContentTypeIsUnsupportedMediaType()
    {
        var response = await client.PostRawAsync("/api/v1/verifications", "code=Y000044030006233000123", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("http.unsupported_media_type", problem.Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("messageZh")));
    }

    [Fact]
    public async Task AnOversizeBodyIsRefused()
    {
        var response = await client.PostRawAsync("/api/v1/verifications", "{\"code\":\"" + new string(' ', 10_000) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request.too_large", (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task ARealIdNumberMatchShowsTheMaskedIdNumberToAKeyThatMayMatchIdNumbers()
    {
        var partner = await factory.CreatePartnerKeyAsync(idMatching: true);
        var response = await factory.CreateClient().WithKey(partner.Plaintext)
            .PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154212" });
        var body = await response.JsonAsync();

        Assert.Equal("VALID", body.Str("outcome"));
        Assert.Equal("4403**********4212", body.GetProperty("certificate").Str("idNumberMasked"));
        Assert.Equal("holder.match_name_id", body.Check("holder").Str("code"));
    }

    [Theory]
    [InlineData("440305199203154216")]
    [InlineData("440305199203154217")]
    [InlineData("x")]
    public async Task AnAnonymousIdNumberIsABadRequestSayingWhyAndWhereToGetAccess(string idNumber)
    {
        var (response, body) = await VerifyAsync(new { code = "Y000044030006233000123", holderName = "王小明", idNumber });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("request.id_number_needs_key", body.Str("code"));
        Assert.Contains("partner API key", body.Str("messageEn"));
        Assert.Contains("身份证件号码", body.Str("messageZh"));
        Assert.DoesNotContain("4216", await response.Content.ReadAsStringAsync());
    }
}
