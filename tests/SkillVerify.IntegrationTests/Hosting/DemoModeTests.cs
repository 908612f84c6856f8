using System.Diagnostics;
using System.Net;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hosting;

/// <summary>
/// Demo mode is explicit: the demo dataset and the published demo keys exist only with Demo:Enabled, which README's
/// first command sets and nothing real may sit beside; beyond loopback it must be asked for twice.
/// </summary>
[Collection(ReadmeCommandCollection.Name)]
public sealed class DemoModeTests
{
    private const string Code = "Y000044030006233000123";
    private const string RealAdminKey = "a-real-admin-key-0123456789abcdef0123456789";

    private static readonly object Revocation = new { reason = "测试撤销", effectiveDate = "2025-01-01" };
    private static readonly object OneItem = new { items = new[] { new { code = Code, holderName = "王小明" } } };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DemoKeysAreRefusedWhenDemoModeIsOffEvenOnTheEmbeddedSqliteWithDemoLikeData(bool withRealAdminKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Privacy:HashKey"] = CacheFactory.HashKey,
            [SkillVerifyFactory.SeedDemoData] = "true",
        };
        if (withRealAdminKey)
        {
            settings["Admin:ApiKeys:0"] = RealAdminKey;
        }
        await using var factory = SkillVerifyFactory.With(settings);
        var client = factory.CreateClient();

        using var demoAdmin = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/certificates/{Code}/revocation") { Content = System.Net.Http.Json.JsonContent.Create(Revocation) };
        demoAdmin.Headers.Add(AdminKeys.Header, AdminOptions.DemoKey);
        using var revoked = await client.SendAsync(demoAdmin);
        using var demoPartner = await factory.CreateClient().WithKey(PartnerKeyDirectory.DemoKey).PostJsonAsync("/api/v1/verifications/batch", OneItem);
        using var stillValid = await client.PostJsonAsync("/api/v1/verifications", new { code = Code, holderName = "王小明" });

        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, demoPartner.StatusCode);
        // The data is there (the embedded SQLite holds records), so the refusals are about the keys, and nothing was revoked.
        Assert.Equal("VALID", (await stillValid.JsonAsync()).Str("outcome"));
        if (withRealAdminKey)
        {
            using var real = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/certificates/{Code}/revocation") { Content = System.Net.Http.Json.JsonContent.Create(Revocation) };
            real.Headers.Add(AdminKeys.Header, RealAdminKey);
            using var done = await client.SendAsync(real);
            Assert.True(done.IsSuccessStatusCode, $"the real admin key was refused: {(int)done.StatusCode}");
        }
    }

    [Fact]
    public async Task InDemoModeTheDemoKeysWork()
    {
        await using var factory = new SkillVerifyFactory();

        using var batch = await factory.CreateClient().WithKey(PartnerKeyDirectory.DemoKey).PostJsonAsync("/api/v1/verifications/batch", OneItem);
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        using var qr = await admin.GetAsync($"/api/v1/certificates/{Code}/qr.svg?form=signed");

        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
    }

    [Theory]
    [InlineData("ConnectionStrings__SkillVerify", "Data Source=/tmp/never-created.db", "ConnectionStrings:SkillVerify")]
    [InlineData("Database__Provider", "postgres", "Database:Provider")]
    [InlineData("Privacy__HashKey", CacheFactory.HashKey, "Privacy:HashKey")]
    [InlineData("Admin__ApiKeys__0", RealAdminKey, "Admin:ApiKeys")]
    public async Task DemoModeBesideARealSettingRefusesToStart(string key, string value, string named)
    {
        var (exitCode, output) = await Tool.RunServiceAsync(new Dictionary<string, string> { ["Demo__Enabled"] = "true", [key] = value });

        Assert.Equal(2, exitCode);
        Assert.Contains("SkillVerify cannot start", output);
        Assert.Contains("Demo:Enabled", output);
        Assert.Contains(named, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task WithoutDemoModeTheEmbeddedDefaultNeedsARealHashKey()
    {
        var (exitCode, output) = await Tool.RunServiceAsync(new Dictionary<string, string> { ["Demo__Enabled"] = "false" });

        Assert.Equal(2, exitCode);
        Assert.Contains("Privacy:HashKey", output);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS", "http://0.0.0.0:{port}")]
    [InlineData("ASPNETCORE_URLS", "http://+:{port}")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "{port}")]
    public async Task DemoModeBeyondLoopbackRefusesToStartUnlessToldTwice(string key, string value)
    {
        var bound = value.Replace("{port}", KestrelInstance.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var refused = await RunAsync(new() { ["Demo__Enabled"] = "true", [key] = bound });
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Demo:ListenBeyondLoopback", refused.Output);

        var port = KestrelInstance.FreePort();
        var told = new Dictionary<string, string>
        {
            ["Demo__Enabled"] = "true",
            ["Demo__ListenBeyondLoopback"] = "true",
            [key] = value.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        await using var service = await StartAsync(told, port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var answer = await client.PostJsonAsync("api/v1/verifications", new { code = Code, holderName = "王小明" });
        Assert.Equal("VALID", (await answer.JsonAsync()).Str("outcome"));
    }

    [Fact]
    public async Task TheContainerImagesSettingsNeverRunTheDemo()
    {
        var image = ImageEnvironment();
        Assert.Equal("false", image["Demo__Enabled"]);
        Assert.Equal("Production", image["ASPNETCORE_ENVIRONMENT"]);
        image["Database__DataDirectory"] = TestFolders.New();
        image["ASPNETCORE_URLS"] = $"http://127.0.0.1:{KestrelInstance.FreePort()}";

        // As built: no demo, so without its secrets it stops and names the hash key.
        var plain = await RunAsync(image);
        // Asked once for a demo on the image's own all-interfaces address: refused too.
        var once = await RunAsync(new Dictionary<string, string>(image)
        {
            ["Demo__Enabled"] = "true",
            ["ASPNETCORE_URLS"] = $"http://+:{KestrelInstance.FreePort()}",
        });

        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("Privacy:HashKey", plain.Output);
        Assert.Equal(2, once.ExitCode);
        Assert.Contains("Demo:ListenBeyondLoopback", once.Output);
    }

    [Fact]
    public async Task ReadmesFirstCommandRunsInDemoMode()
    {
        var root = RepositoryRoot();
        Assert.Contains("dotnet run --project src/SkillVerify.Api", File.ReadAllText(Path.Combine(root, "README.md")));
        var port = KestrelInstance.FreePort();
        var data = TestFolders.New();
        // README's command, on its launch profile; only the port and the data folder differ, so parallel runs do not collide.
        var start = new ProcessStartInfo("dotnet", ["run", "--project", "src/SkillVerify.Api", "-c", "Release", "--no-build", "--", "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Database__DataDirectory"] = data;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            HttpResponseMessage? answer = null;
            for (var i = 0; i < 300 && answer is null; i++)
            {
                try
                {
                    answer = await client.PostJsonAsync("api/v1/verifications", new { code = Code, holderName = "王小明" });
                }
                catch (HttpRequestException)
                {
                    if (process.HasExited)
                    {
                        Assert.Fail($"dotnet run exited ({process.ExitCode}) before it answered: {await stdout}{await stderr}");
                    }
                    await Task.Delay(200);
                }
            }
            Assert.NotNull(answer);
            Assert.Equal("VALID", (await answer.JsonAsync()).Str("outcome"));
            using var batch = await client.WithKey(PartnerKeyDirectory.DemoKey).PostJsonAsync("api/v1/verifications/batch", OneItem);
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            TestFolders.Remove(data);
        }
    }

    /// <summary>The ENV block of the Dockerfile, as the image would set it.</summary>
    private static Dictionary<string, string> ImageEnvironment()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile"));
        var block = text[text.IndexOf("ENV ASPNETCORE_URLS", StringComparison.Ordinal)..];
        block = block[4..block.IndexOf("\nRUN ", StringComparison.Ordinal)];
        return block.Split('\n').Select(l => l.Trim().TrimEnd('\\').Trim()).Where(l => l.Contains('='))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment)
    {
        environment.TryAdd("Database__DataDirectory", TestFolders.New());
        return Tool.RunAsync(Tool.Service, environment);
    }

    private static async Task<IAsyncDisposable> StartAsync(Dictionary<string, string> environment, int port)
    {
        environment.TryAdd("Database__DataDirectory", TestFolders.New());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, Tool.Service)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        for (var i = 0; i < 300; i++)
        {
            Assert.False(process.HasExited, $"the service exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var ready = await client.GetAsync("health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return new Stopper(process);
    }

    private sealed class Stopper(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (SkillVerify.sln) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// `dotnet run` (README's first command) evaluates the project with the SDK; it ran once and exited early while the
/// rest of the suite ran in parallel, so this class runs on its own, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmeCommandCollection
{
    public const string Name = "README's first command";
}
