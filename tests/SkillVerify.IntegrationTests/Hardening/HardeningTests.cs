using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Hardening;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hardening;

public class HardeningTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    [Theory]
    [InlineData("GET", "/api/v1/levels", 200)]
    [InlineData("GET", "/api/v1/codes/Y00004403000623Z000123", 400)]
    [InlineData("GET", "/nothing-here", 404)]
    [InlineData("DELETE", "/api/v1/levels", 405)]
    [InlineData("POST", "/api/v1/verifications", 415)]
    [InlineData("GET", "/health/live", 200)]
    [InlineData("GET", "/metrics", 404)]
    public async Task EveryAnswerCarriesTheSecurityHeaders(string method, string path, int status)
    {
        using var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.StartsWith("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OnlyTheApiDocsPageMayRunItsInlineScript()
    {
        using var response = await factory.CreateClient().GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self' 'unsafe-inline'", Header(response, "Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task CorsIsClosedByDefault()
    {
        var client = factory.CreateClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/levels");
        get.Headers.Add("Origin", "https://elsewhere.example");
        using var preflight = Preflight("https://elsewhere.example");

        using var getResponse = await client.SendAsync(get);
        using var preflightResponse = await client.SendAsync(preflight);

        Assert.False(getResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, preflightResponse.StatusCode);
    }

    [Fact]
    public async Task CorsOpensOnlyToConfiguredOrigins()
    {
        using var open = SkillVerifyFactory.With(new Dictionary<string, string?> { ["Hardening:CorsAllowedOrigins:0"] = "https://hr.example.gov.cn" });
        var client = open.CreateClient();

        using var allowed = await client.SendAsync(Preflight("https://hr.example.gov.cn"));
        using var other = await client.SendAsync(Preflight("https://elsewhere.example"));

        Assert.Equal("https://hr.example.gov.cn", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task HstsOnlyWhenConfiguredAndOnlyOverHttps()
    {
        using var hsts = SkillVerifyFactory.With(new Dictionary<string, string?> { ["Hardening:HstsMaxAgeDays"] = "365" });
        var https = hsts.CreateClient(new() { BaseAddress = new Uri("https://verify.example.gov.cn") });
        var plain = factory.CreateClient(new() { BaseAddress = new Uri("https://verify.example.gov.cn") });

        using var configured = await https.GetAsync("/api/v1/levels");
        using var unconfigured = await plain.GetAsync("/api/v1/levels");

        Assert.Equal("max-age=31536000", Header(configured, "Strict-Transport-Security"));
        Assert.False(unconfigured.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("Hardening:CorsAllowedOrigins:0", "*", "Hardening:CorsAllowedOrigins")]
    [InlineData("Hardening:CorsAllowedOrigins:0", "https://hr.example.gov.cn/path", "Hardening:CorsAllowedOrigins")]
    [InlineData("Hardening:KnownProxies:0", "10.0.0.0/8", "Hardening:KnownProxies")]
    [InlineData("Hardening:KnownNetworks:0", "ten", "Hardening:KnownNetworks")]
    [InlineData("Hardening:MaxRequestBodyBytes", "1", "Hardening:MaxRequestBodyBytes (Hardening__MaxRequestBodyBytes)")]
    [InlineData("Secrets:Directory", "/nonexistent/skillverify-secrets", "Secrets:Directory")]
    public void AWrongSettingStopsTheServiceNamingIt(string key, string value, string named)
    {
        // The service does not start (Program prints the sentence and exits with code 2)…
        using var wrong = SkillVerifyFactory.With(new Dictionary<string, string?> { [key] = value });
        Assert.ThrowsAny<Exception>(() => wrong.CreateClient());

        // …and the sentence it prints names the setting.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddSecretFiles();
        builder.AddHardening();
        using var host = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = host.Services.GetRequiredService<IOptions<HardeningOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<SecretsOptions>>().Value;
        });
        Assert.Contains(named, string.Join(" ", error.Failures));
    }

    [Fact]
    public void SecretsComeFromAFolderOfFiles()
    {
        var folder = Directory.CreateTempSubdirectory("skillverify-secrets-");
        try
        {
            var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            File.WriteAllText(Path.Combine(folder.FullName, "Admin__ApiKeys__0"), adminKey + "\n");
            File.WriteAllText(Path.Combine(folder.FullName, "Privacy__HashKey"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            using var withSecrets = new EarlySettingsFactory("Secrets:Directory", folder.FullName);

            var keys = withSecrets.Services.GetRequiredService<AdminKeys>();

            Assert.True(keys.IsValid(adminKey));
            Assert.False(keys.IsValid(adminKey + "x"));
            // The hash key came from the folder, so the demo fallback key file was never written.
            Assert.False(File.Exists(Path.Combine(withSecrets.DataDirectory, "holder-hash.key")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/verifications");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : throw new Xunit.Sdk.XunitException($"No {name} header on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");

    /// <summary>A setting visible from the first line of Program (as an environment variable is), not only after Build.</summary>
    /// <summary>A setting given the way the host reads it first; demo mode off, since the secrets it brings are real ones.</summary>
    private sealed class EarlySettingsFactory(string key, string value) : SkillVerifyFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "false" })
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }
}
