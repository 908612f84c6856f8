using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hosting;

/// <summary>
/// A wrong setting stops the service with a sentence that names the setting — checked on the real
/// service binary, the way an operator meets it: exit code, the sentence, no stack trace.
/// </summary>
public class StartupTests
{
    [Theory]
    [InlineData("Database__Provider", "oracle", "Database:Provider")]
    [InlineData("Database__CommandTimeoutSeconds", "0", "CommandTimeoutSeconds")]
    [InlineData("Codes__FirstYear", "2030", "Codes:FirstYear")]
    [InlineData("Admin__ApiKeys__0", "short", "Admin:ApiKeys")]
    [InlineData("Privacy__HashKey", "not-base64!", "Privacy:HashKey")]
    [InlineData("ConnectionStrings__Redis", "foo=bar", "ConnectionStrings:Redis")]
    [InlineData("Cache__RedisOperationTimeoutMs", "5", "Cache:RedisOperationTimeoutMs")]
    [InlineData("Cache__KeyPrefix", "bad prefix*", "Cache:KeyPrefix")]
    [InlineData("Federation__LocalProvince", "99", "Federation:LocalProvince")]
    [InlineData("RateLimiting__AnonymousPerMinute", "0", "RateLimiting:AnonymousPerMinute")]
    [InlineData("Partners__RefreshSeconds", "0", "Partners:RefreshSeconds")]
    public async Task AWrongSettingStopsTheServiceNamingTheSetting(string key, string value, string named)
    {
        var (exitCode, output) = await RunServiceAsync(new() { [key] = value });

        Assert.Equal(2, exitCode);
        Assert.Contains("SkillVerify cannot start", output);
        Assert.Contains(named, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task AConfiguredDatabaseWithoutAHashKeyStopsTheService()
    {
        var (exitCode, output) = await RunServiceAsync(new()
        {
            ["ConnectionStrings__SkillVerify"] = "Data Source=" + Path.Combine(Path.GetTempPath(), $"sv-{Guid.NewGuid():N}.db"),
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Privacy:HashKey", output);
    }

    [Fact]
    public async Task AConfiguredDatabaseWithAHashKeyStartsWithoutDemoData()
    {
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?>
        {
            ["ConnectionStrings:SkillVerify"] = "Data Source=" + Path.Combine(Path.GetTempPath(), $"sv-{Guid.NewGuid():N}.db"),
            ["Privacy:HashKey"] = Convert.ToBase64String(new byte[32]),
        });
        var client = factory.CreateClient();

        var response = await client.PostRawAsync("/api/v1/verifications", "{\"code\":\"Y000044030006233000123\",\"holderName\":\"王小明\"}");
        var body = await response.JsonAsync();

        Assert.Equal("NOT_FOUND", body.Str("outcome"));
        Assert.Equal("issuer.not_found", body.Check("issuer_registry").Str("code"));
    }

    private static Task<(int ExitCode, string Output)> RunServiceAsync(Dictionary<string, string> environment) => Tool.RunServiceAsync(environment);
}

/// <summary>The settings file shipped beside the binary applies wherever the service is started from.</summary>
public class ShippedSettingsTests
{
    [Fact]
    public async Task StartedFromAnotherFolderTheServiceKeepsTheShippedLogLevels()
    {
        var workingDirectory = TestFolders.New("cwd-");
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await using var service = await Tool.StartServiceAsync(new Dictionary<string, string>
            {
                ["Database__DataDirectory"] = Path.Combine(workingDirectory, "data"),
            }, workingDirectory);
            using var client = service.CreateClient();

            var response = await client.PostRawAsync("/api/v1/verifications", "{\"code\":\"Y000044030006233000123\",\"holderName\":\"王小明\"}");
            Assert.Equal("VALID", (await response.JsonAsync()).Str("outcome"));
            var output = await service.StopAsync();

            // The working directory has no appsettings.json; the shipped one sets the framework's request logging to Warning.
            Assert.False(File.Exists(Path.Combine(workingDirectory, "appsettings.json")));
            Assert.Contains("SkillVerify.Audit", output);
            Assert.DoesNotContain("Microsoft.AspNetCore.Routing.EndpointMiddleware", output);
            Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", output);
        }
        finally
        {
            TestFolders.Remove(workingDirectory);
        }
    }
}
