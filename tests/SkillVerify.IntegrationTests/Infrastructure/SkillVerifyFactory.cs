using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// The service on its embedded default (a real SQLite file in a fresh temporary folder, the demo
/// dataset), one per test class or test. Extra settings override the defaults.
/// </summary>
public class SkillVerifyFactory : WebApplicationFactory<Program>
{
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
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TestFolders.Remove(DataDirectory);
    }
}
