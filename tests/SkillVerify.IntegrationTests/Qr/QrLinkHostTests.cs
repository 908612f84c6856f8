using System.Net;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>QR links on the demo point at the address the service listens on, never at whatever Host header the asker sent.</summary>
public sealed class QrLinkHostTests
{
    [Fact]
    public async Task ADemoQrLinkIgnoresTheRequestsHostHeader()
    {
        await using var demo = KestrelInstance.Start();
        using var client = demo.CreateNetworkClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/certificates/{QrTestSupport.ValidCode}/qr.svg");
        request.Headers.Add(AdminKeys.Header, AdminOptions.DemoKey);
        request.Headers.Host = "phishing.example.com";

        using var response = await client.SendAsync(request);
        var payload = response.Headers.GetValues(QrApi.PayloadHeader).Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"{demo.BaseUrl}/v/{QrTestSupport.ValidCode}?t=", payload);
        Assert.DoesNotContain("phishing", payload);
    }
}
