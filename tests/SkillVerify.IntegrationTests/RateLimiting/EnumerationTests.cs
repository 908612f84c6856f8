using System.Globalization;
using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.RateLimiting;

/// <summary>
/// Codes have no check digit, so a neighbour of a real code is likely real: walking the serials from one
/// client is the obvious attack. The anonymous rate limit cuts it off.
/// </summary>
public sealed class EnumerationTests
{
    [Fact]
    public async Task ANeighbourSerialEnumerationFromOneClientIsCutOffByTheRateLimit()
    {
        const int limit = 30;
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?> { ["RateLimiting:AnonymousPerMinute"] = limit.ToString(CultureInfo.InvariantCulture) });
        var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var serial = 100; serial < 200; serial++)
        {
            var response = await client.PostJsonAsync("/api/v1/verifications", new { code = $"Y000044030006233000{serial}", holderName = "王小明" });
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        // The first requests are answered; after the limit every further neighbour is refused.
        Assert.All(statuses.Take(limit), s => Assert.Equal(HttpStatusCode.OK, s));
        var answered = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.True(answered <= limit, $"{answered} of 100 neighbouring serials were answered; the limit is {limit} a minute.");
        Assert.All(statuses.Skip(limit + 1), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.NotNull(refused);
        Assert.True(refused.Headers.RetryAfter is not null, "A 429 says when to retry.");
        Assert.Equal("rate_limit.exceeded", (await refused.JsonAsync()).Str("code"));
    }
}
