using System.Globalization;
using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Verification;

public class DecodeApiTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task DecodesTheSevenParts()
    {
        var response = await client.GetAsync("/api/v1/codes/" + Uri.EscapeDataString("ｙ０００００４４ 030006-23-3-000123".Replace("ｙ０００００４４", "ｙ００００４４")));
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Y000044030006233000123", body.Str("canonical"));
        Assert.Equal("skillLevel", body.Str("kind"));
        var parts = body.GetProperty("parts");
        Assert.Equal("Y", parts.GetProperty("bodyType").Str("code"));
        Assert.Equal("0000", parts.Str("ministryBodyCode"));
        Assert.Equal("province", parts.Str("registeredWith"));
        Assert.Equal("广东", parts.GetProperty("province").Str("name"));
        Assert.Equal("030006", parts.Str("siteSerial"));
        Assert.Equal(2023, parts.GetProperty("issueYear").GetInt32());
        Assert.Equal("高级工", parts.GetProperty("level").Str("name"));
        Assert.Equal("000123", parts.Str("serial"));
        Assert.Equal(0, body.GetProperty("violations").GetArrayLength());
    }

    [Theory]
    [InlineData("Y0000440300062330001%C0", 21, "%C0")]
    [InlineData("Y000044%E2%80030006233000123", 8, "%E2")]
    public async Task APathThatIsNotUtf8NamesTheEscapeAsSentNotAPercentSign(string path, int position, string escape)
    {
        // Landed main said "character 21 ('%')", a character nobody typed.
        var response = await client.GetAsync("/api/v1/codes/" + path);
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("code.invalid_encoding", body.Str("code"));
        Assert.Equal(position, body.GetProperty("position").GetInt32());
        Assert.Contains(escape, body.Str("messageEn"));
        Assert.Contains(escape, body.Str("messageZh"));
    }

    [Theory]
    [InlineData("Y000044030006233000%E2%80%8B123")] // zero-width space
    [InlineData("Y%E2%80%890000%E2%80%8944%E2%80%89030006%E2%80%8923%E2%80%893%E2%80%89000123")] // thin spaces
    [InlineData("Y000044030006233000123%09")] // a tab
    public async Task ACodeAsPeopleCopyItDecodes(string path)
    {
        // Landed main refused these as control or invalid characters.
        var body = await (await client.GetAsync("/api/v1/codes/" + path)).JsonAsync();

        Assert.Equal("Y000044030006233000123", body.Str("canonical"));
    }

    [Fact]
    public async Task TheShanghaiFormDecodesAsShanghaiWithItsYear()
    {
        // Landed main decoded it with year "00" and region "07".
        var body = await (await client.GetAsync("/api/v1/codes/0912200330001")).JsonAsync();
        var legacy = body.GetProperty("legacy");

        Assert.True(legacy.GetProperty("shanghaiForm").GetBoolean());
        Assert.Equal(2009, legacy.GetProperty("issueYear").GetInt32());
        Assert.Equal("上海", legacy.GetProperty("region").Str("name"));
    }

    [Fact]
    public async Task AParsableCodeThatBreaksARuleIsOkWithItsViolations()
    {
        var response = await client.GetAsync("/api/v1/codes/S00003201010123X000001");
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var violation = Assert.Single(body.GetProperty("violations").EnumerateArray());
        Assert.Equal("issuer_level.not_allowed", violation.Str("code"));
        Assert.Equal(16, violation.GetProperty("position").GetInt32());
    }

    [Theory]
    [InlineData("Y00004403000623Z000123", "code.level", 16)]
    [InlineData("Y000044030006233", "code.length", 17)]
    [InlineData("Y0000440З0006233000123", "code.lookalike_character", 9)]
    [InlineData("Y000044030006233000123%01", "code.control_character", 23)]
    public async Task AnUnparsableCodeIsABadRequestNamingThePosition(string code, string expectedCode, int position)
    {
        var response = await client.GetAsync("/api/v1/codes/" + (code.Contains('%') ? code : Uri.EscapeDataString(code)));
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expectedCode, problem.Str("code"));
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        if (expectedCode != "code.length")
        {
            Assert.Contains(position.ToString(CultureInfo.InvariantCulture), problem.Str("messageZh"));
        }
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DecodesLegacyQualificationNumbers()
    {
        var body = await (await client.GetAsync("/api/v1/codes/0910123456300012")).JsonAsync();

        Assert.Equal("legacyQualification", body.Str("kind"));
        Assert.Equal("江苏", body.GetProperty("legacy").GetProperty("region").Str("name"));
        Assert.Equal("10123456", body.GetProperty("legacy").Str("agencyCode"));
    }

    [Fact]
    public async Task AnOverlongPathIsABadRequest()
    {
        var response = await client.GetAsync("/api/v1/codes/" + new string('1', 65));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("code.too_long", (await response.JsonAsync()).Str("code"));
    }
}
