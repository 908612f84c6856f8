using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Registry;

public class RegistryApiTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task AnOrganizationComesWithItsStatusHistoryAndScope()
    {
        var response = await client.GetAsync("/api/v1/organizations/S000037020202");
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("山东泉城技工学校", body.Str("name"));
        Assert.Equal("suspended", body.Str("currentStatus"));
        Assert.Equal(2, body.GetProperty("statusHistory").GetArrayLength());
        Assert.Equal("4-10-01-02", body.GetProperty("scope")[0].Str("occupationCode"));
        Assert.Equal(3, body.GetProperty("scope")[0].GetProperty("levels").GetArrayLength());
        Assert.Equal("不合格", body.GetProperty("qualityResults")[0].Str("result"));
    }

    [Fact]
    public async Task OrganizationCodesAreNormalizedLikeCertificateCodes()
    {
        var response = await client.GetAsync("/api/v1/organizations/" + Uri.EscapeDataString("y0000 44-030006"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("首席技能大师", (await response.JsonAsync()).GetProperty("aliases")[0].Str("alias"));
    }

    [Fact]
    public async Task AnUnknownOrganizationIsNotFound()
    {
        var response = await client.GetAsync("/api/v1/organizations/Y000099000001");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("organization.not_found", (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task AMalformedOrganizationCodeIsABadRequest()
    {
        var response = await client.GetAsync("/api/v1/organizations/Y0000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("organization_code.length", (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task SearchFiltersAndPages()
    {
        var all = await (await client.GetAsync("/api/v1/organizations?pageSize=5")).JsonAsync();
        Assert.Equal(5, all.GetProperty("items").GetArrayLength());
        Assert.True(all.GetProperty("total").GetInt64() >= 45);

        var page2 = await (await client.GetAsync("/api/v1/organizations?pageSize=5&page=2")).JsonAsync();
        Assert.NotEqual(all.GetProperty("items")[0].Str("code"), page2.GetProperty("items")[0].Str("code"));

        var guangdong = await (await client.GetAsync("/api/v1/organizations?province=44&type=Y")).JsonAsync();
        Assert.All(guangdong.GetProperty("items").EnumerateArray(), o =>
        {
            Assert.Equal("44", o.GetProperty("province").Str("code"));
            Assert.Equal("Y", o.GetProperty("type").Str("code"));
        });

        var byName = await (await client.GetAsync("/api/v1/organizations?q=" + Uri.EscapeDataString("泉城技工"))).JsonAsync();
        Assert.Contains(byName.GetProperty("items").EnumerateArray(), o => o.Str("code") == "S000037020202");

        var byOccupation = await (await client.GetAsync("/api/v1/organizations?occupation=4-10-01-02")).JsonAsync();
        Assert.Contains(byOccupation.GetProperty("items").EnumerateArray(), o => o.Str("code") == "S000037020202");
    }

    [Theory]
    [InlineData("?pageSize=101", "query.page_size")]
    [InlineData("?pageSize=0", "query.page_size")]
    [InlineData("?pageSize=99999999999999999999", "query.page_size")]
    [InlineData("?page=-1", "query.page")]
    [InlineData("?page=abc", "query.page")]
    [InlineData("?province=99", "query.province")]
    [InlineData("?type=X", "query.type")]
    [InlineData("?occupation=drop%20table", "query.occupation")]
    public async Task BadSearchParametersAreBadRequests(string query, string expectedCode)
    {
        var response = await client.GetAsync("/api/v1/organizations" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expectedCode, (await response.JsonAsync()).Str("code"));
    }

    [Fact]
    public async Task SqlMetacharactersInTheSearchTextAreJustText()
    {
        var response = await client.GetAsync("/api/v1/organizations?q=" + Uri.EscapeDataString("'; DROP TABLE organizations; --%_"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.JsonAsync()).GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/organizations/S000037020202")).StatusCode);
    }

    [Fact]
    public async Task TheEightLevelsComeWithTheirRequirementText()
    {
        var levels = await (await client.GetAsync("/api/v1/levels")).JsonAsync();

        Assert.Equal(8, levels.GetArrayLength());
        Assert.Equal(["X", "5", "4", "3", "2", "1", "T", "S"], levels.EnumerateArray().Select(l => l.Str("code")));
        Assert.StartsWith("能够基本完成本职业", levels[0].Str("requirement"));
        Assert.Equal(["Y"], levels[7].GetProperty("issuerTypes").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task HealthAndOpenApiAreServed()
    {
        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/verifications", openApi);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs")).StatusCode);
    }

    [Fact]
    public async Task UnknownRoutesAndWrongMethodsAreProblems()
    {
        var notFound = await client.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("http.not_found", (await notFound.JsonAsync()).Str("code"));

        var wrongMethod = await client.DeleteAsync("/api/v1/levels");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("http.method_not_allowed", (await wrongMethod.JsonAsync()).Str("code"));
    }
}
