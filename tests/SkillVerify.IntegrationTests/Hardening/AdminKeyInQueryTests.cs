using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hardening;

/// <summary>A key in a URL is logged and cached on its way: admin endpoints refuse it with 400, before looking at any key.</summary>
public sealed class AdminKeyInQueryTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    [Theory]
    [InlineData("apiKey")]
    [InlineData("api_key")]
    [InlineData("api-key")]
    [InlineData("x-api-key")]
    [InlineData("X-Api-Key")]
    [InlineData("key")]
    public async Task AnAdminEndpointAnswers400ForAKeyInTheQueryString(string parameter)
    {
        using var response = await factory.CreateClient().GetAsync(
            $"/api/v1/certificates/Y000044030006233000123/qr.png?{parameter}={Uri.EscapeDataString(SkillVerify.Api.Security.AdminOptions.DemoKey)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("auth.key_in_query", (await response.JsonAsync()).Str("code"));
    }
}
