using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hardening;

/// <summary>The key policies and the request limit are set on route groups: every endpoint has exactly the ones it should, none forgotten.</summary>
public sealed class RouteGroupPolicyTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    private static string? ExpectedKeyPolicy(string method, string route) => (method, route) switch
    {
        (_, var r) when r.StartsWith("/api/v1/admin/", StringComparison.Ordinal) => ApiKeyPolicies.Admin,
        ("GET", "/api/v1/certificates/{code}/qr.png" or "/api/v1/certificates/{code}/qr.svg") => ApiKeyPolicies.Admin,
        ("POST", "/api/v1/verifications/batch") => ApiKeyPolicies.PartnerBatch,
        ("POST", "/api/v1/verifications") => ApiKeyPolicies.OptionalPartner,
        _ => null,
    };

    [Fact]
    public void EveryApiEndpointIsLimitedAndCarriesItsKeyPolicy()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e)))
            .ToList();
        Assert.Contains(endpoints, e => e.Route == "/api/v1/verifications/batch");

        var wrong = new List<string>();
        foreach (var (method, route, endpoint) in endpoints)
        {
            var limit = endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var expectedLimit = route.StartsWith("/api/", StringComparison.Ordinal) ? ApiRateLimitPolicy.Name : null;
            var keys = string.Join(",", endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy));
            var expectedKeys = ExpectedKeyPolicy(method, route) ?? "";
            if (limit != expectedLimit || keys != expectedKeys)
            {
                wrong.Add($"{method} {route}: rate limit '{limit}' (expected '{expectedLimit}'), key policies '{keys}' (expected '{expectedKeys}')");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
