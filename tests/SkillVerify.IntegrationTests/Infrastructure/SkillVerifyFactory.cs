using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// The service as README's first command runs it (demo mode: a real SQLite file in a fresh temporary folder, the
/// demo dataset and keys), one per test class or test. Extra settings override the defaults; a test that configures
/// anything real (a database, a hash key, an admin key) runs without demo mode, as the service insists, and may ask
/// for the demo dataset with <see cref="SeedDemoData"/>.
/// </summary>
public class SkillVerifyFactory : WebApplicationFactory<Program>
{
    /// <summary>A test-side setting, not the service's: fill the (migrated, empty) database with the demo dataset once the host has started.</summary>
    public const string SeedDemoData = "Test:SeedDemoData";

    private readonly Dictionary<string, string?> settings;

    public SkillVerifyFactory()
        : this(null)
    {
    }

    /// <summary>A factory with extra settings (xunit fixtures need a single public constructor).</summary>
    public static SkillVerifyFactory With(IDictionary<string, string?> settings) => new(settings);

    protected SkillVerifyFactory(IDictionary<string, string?>? settings)
    {
        DataDirectory = TestFolders.New();
        this.settings = new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = DataDirectory,
            // Tests send many requests from one client; the rate-limit tests set their own limits.
            ["RateLimiting:AnonymousPerMinute"] = "1000000",
            ["RateLimiting:HolderChecksPerMinute"] = "1000000",
            ["RateLimiting:FailedChecksPerCertificate"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }
        var real = this.settings.Any(s => !string.IsNullOrEmpty(s.Value) && (s.Key is "ConnectionStrings:SkillVerify" or "Privacy:HashKey" or "Privacy:HashKeyFile"
            || s.Key.StartsWith("Admin:ApiKeys", StringComparison.Ordinal) || (s.Key == "Database:Provider" && s.Value != "sqlite")));
        this.settings.TryAdd("Demo:Enabled", real ? "false" : "true");
    }

    public string DataDirectory { get; }

    /// <summary>What this host logged (also appended to the suite's log file, scanned by scripts/test.sh).</summary>
    public TestLogProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not ConfigureAppConfiguration: the values must be visible while Program.cs builds
        // (settings read then, such as ConnectionStrings:Redis, would otherwise be missed silently).
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (settings.GetValueOrDefault(SeedDemoData) == "true")
        {
            builder.ConfigureServices(services => services.AddHostedService<DemoDataSeeder>());
        }
    }

    /// <summary>Runs after Program.cs applied the schema: the demo dataset in a database the test configured.</summary>
    private sealed class DemoDataSeeder(IServiceProvider services) : Microsoft.Extensions.Hosting.IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await SkillVerify.Data.Demo.DemoData.SeedIfEmptyAsync(
                services.GetRequiredService<SkillVerify.Data.ISkillVerifyStore>(), services.GetRequiredService<SkillVerify.Domain.Privacy.HolderHasher>(),
                services.GetRequiredService<TimeProvider>(), cancellationToken))
            {
                // What every writer does after its commit: the caches and the known codes (KnownCodes) hear of it.
                await services.GetRequiredService<SkillVerify.Api.Caching.CacheInvalidator>().InvalidateAsync(SkillVerify.Data.Caching.CacheInvalidation.All, cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A client whose every answer is held to the OpenAPI document this service serves (<see cref="Contract.ContractHandler"/>).</summary>
    public new HttpClient CreateClient() => CreateClient(new WebApplicationFactoryClientOptions());

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler>();
        if (options.AllowAutoRedirect)
        {
            handlers.Add(new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(options.MaxAutomaticRedirections));
        }
        if (options.HandleCookies)
        {
            handlers.Add(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler());
        }
        // Innermost, so it sees each answer as the service sent it (every redirect step too).
        handlers.Add(new Contract.ContractHandler());
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TestFolders.Remove(DataDirectory);
    }
}
