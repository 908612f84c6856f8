using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SkillVerify.Data;
using SkillVerify.Data.Demo;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;

namespace SkillVerify.Api.Infrastructure;

/// <summary>Settings under <c>Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>Base64 key (≥ 32 bytes) for the keyed hashes of holder names and ID numbers. Required with a configured database.</summary>
    public string? HashKey { get; set; }

    /// <summary>Alternatively, a file holding the base64 key (a mounted secret).</summary>
    public string? HashKeyFile { get; set; }
}

/// <summary>
/// Where the data lives, resolved once at start. <paramref name="Demo"/>: demo mode (Demo:Enabled, on the embedded
/// default only): the demo dataset and the published demo keys.
/// </summary>
public sealed record StorageLayout(string Provider, string ConnectionString, bool EmbeddedDefault, string DataDirectory, bool Demo);

public static partial class StorageExtensions
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section);
        services.AddOptions<Deployment.DemoOptions>().BindConfiguration(Deployment.DemoOptions.Section);
        services.AddOptions<CodeRuleOptions>().BindConfiguration(CodeRuleOptions.Section)
            .Validate(o => o.FirstYear is >= 1990 and <= 2100 && o.FirstYear <= (o.NewLevelsFirstDate ?? ReferenceData.GetLevel('X').SinceDate!.Value).Year,
                "Codes:FirstYear (Codes__FirstYear) must be a year from 1990 to 2100 and not after Codes:NewLevelsFirstDate.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var demo = sp.GetRequiredService<IOptions<Deployment.DemoOptions>>().Value;
            if (Deployment.DemoMode.Conflicts(builder.Configuration, demo).ToList() is { Count: > 0 } conflicts)
            {
                throw new OptionsValidationException(Deployment.DemoOptions.Section, typeof(Deployment.DemoOptions), conflicts);
            }
            var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
            var provider = options.Provider.ToLowerInvariant();
            var dataDirectory = Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath);
            var embedded = provider == DatabaseProviders.Sqlite && string.IsNullOrWhiteSpace(connectionString);
            if (embedded)
            {
                connectionString = SqliteDialect.ForFile(Path.Combine(dataDirectory, "skillverify.db"));
            }
            else if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new OptionsValidationException(nameof(DatabaseOptions), typeof(DatabaseOptions),
                    [$"ConnectionStrings:SkillVerify (ConnectionStrings__SkillVerify) must be set when Database:Provider is '{provider}'."]);
            }
            return new StorageLayout(provider, connectionString!, embedded, dataDirectory, demo.Enabled && embedded);
        });
        services.AddSingleton(sp => Dialects.Create(sp.GetRequiredService<StorageLayout>().Provider, sp.GetRequiredService<StorageLayout>().ConnectionString,
            // Lookups may go to a read replica: a readable secondary (SQL Server, ApplicationIntent=ReadOnly) or a
            // streaming standby (PostgreSQL); writes always go to ConnectionStrings:SkillVerify. docs/scale-out.md.
            builder.Configuration.GetConnectionString(DatabaseOptions.ReadConnectionStringName)));
        services.AddSingleton<ISkillVerifyStore>(sp => new DapperStore(
            sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.CommandTimeoutSeconds));
        services.AddSingleton(sp => new HolderHasher(LoadHashKey(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value, sp.GetRequiredService<StorageLayout>())));
        services.AddSingleton<StorageReadiness>();
        services.AddSingleton(sp => new CodeDecoder(sp.GetRequiredService<IOptions<CodeRuleOptions>>().Value.ToSettings(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// Applies the schema, checks the holder hash key against the database's fingerprint and, on the embedded default,
    /// seeds the demo dataset; then runs <paramref name="afterStorage"/> (what else needs the database at start). Tried
    /// once before the first request; when the database cannot be reached the service starts anyway, answers 503 on
    /// /health/ready, says so in the log and retries in the background until it can. A different hash key stops the
    /// service with a sentence saying what to do.
    /// </summary>
    public static async Task InitializeStorageAsync(this WebApplication app, Func<Task>? afterStorage = null)
    {
        // Resolved now so a missing or malformed key stops the start, not the first request.
        app.Services.GetRequiredService<HolderHasher>();
        app.Services.GetRequiredService<CodeDecoder>();
        var readiness = app.Services.GetRequiredService<StorageReadiness>();
        try
        {
            if (await TryInitializeAsync(app, afterStorage, readiness, CancellationToken.None))
            {
                return;
            }
        }
        catch (HashKeyMismatchException e)
        {
            // Before the host runs: stop the start like any wrong setting (Program.cs prints it, exit code 2).
            throw new OptionsValidationException(nameof(PrivacyOptions), typeof(PrivacyOptions), [e.Message]);
        }
        var stopping = app.Lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromSeconds(1);
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    if (await TryInitializeAsync(app, afterStorage, readiness, stopping))
                    {
                        DatabaseReachableAgain(app.Logger);
                        return;
                    }
                }
                catch (HashKeyMismatchException e)
                {
                    // Serving with another key would answer NOT_FOUND for every stored holder: refuse to serve at all.
                    DatabaseRefused(app.Logger, e.Message);
                    Console.Error.WriteLine("SkillVerify cannot start: " + e.Message);
                    readiness.MarkFailed(e.Message);
                    Environment.ExitCode = 2;
                    app.Lifetime.StopApplication();
                    return;
                }
                delay = TimeSpan.FromSeconds(Math.Min(15, delay.TotalSeconds * 2));
            }
        });
    }

    private static async Task<bool> TryInitializeAsync(WebApplication app, Func<Task>? afterStorage, StorageReadiness readiness, CancellationToken cancellationToken)
    {
        var layout = app.Services.GetRequiredService<StorageLayout>();
        var store = app.Services.GetRequiredService<ISkillVerifyStore>();
        var hasher = app.Services.GetRequiredService<HolderHasher>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        try
        {
            await store.MigrateAsync(cancellationToken);
            await HashKeyFingerprint.CheckOrRecordAsync(app.Services.GetRequiredService<SqlDialect>(), hasher, time, cancellationToken);
            if (layout.Demo && await DemoData.SeedIfEmptyAsync(store, hasher, time, cancellationToken))
            {
                DemoDataSeeded(app.Logger, DemoData.Cases.Count);
            }
            if (afterStorage is not null)
            {
                await afterStorage();
            }
            var embedded = layout.EmbeddedDefault ? $" (embedded default in {layout.DataDirectory})" : "";
            var replica = app.Services.GetRequiredService<SqlDialect>().HasReadReplica ? ", lookups from the read replica (ConnectionStrings:SkillVerifyReadOnly)" : "";
            StorageResolved(app.Logger, layout.Provider, embedded, replica);
            if (layout.Demo)
            {
                DemoModeOn(app.Logger);
            }
            readiness.MarkReady();
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException or IOException
            || e.InnerException is System.Net.Sockets.SocketException or TimeoutException)
        {
            var sentence = $"The database ({layout.Provider}) cannot be reached ({e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}); "
                + "the service is up but not ready (/health/ready answers 503) and retries until the database answers.";
            readiness.MarkWaiting(sentence);
            DatabaseUnreachable(app.Logger, sentence);
            return false;
        }
    }

    private static byte[] LoadHashKey(PrivacyOptions options, StorageLayout layout)
    {
        // Read the same way as the import CLI (HolderKeys), so imported names match what callers type.
        var text = HolderKeys.Read(options.HashKey, options.HashKeyFile);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (!layout.Demo)
            {
                throw new OptionsValidationException(nameof(PrivacyOptions), typeof(PrivacyOptions),
                    ["Privacy:HashKey (Privacy__HashKey) or Privacy:HashKeyFile must hold a base64 key of at least 32 bytes (only demo mode, Demo__Enabled=true, makes its own)."]);
            }
            // Demo only: a random key kept beside the embedded database, never in the repository.
            var path = Path.Combine(layout.DataDirectory, "holder-hash.key");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(layout.DataDirectory);
                File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            text = File.ReadAllText(path).Trim();
        }
        try
        {
            return HolderKeys.Parse(text);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(nameof(PrivacyOptions), typeof(PrivacyOptions), [e.Message]);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "The database is reachable again: storage initialized, /health/ready answers 200.")]
    private static partial void DatabaseReachableAgain(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "SkillVerify cannot serve this database: {Reason}")]
    private static partial void DatabaseRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Filled the embedded database with the demo dataset ({Count} hand-made cases).")]
    private static partial void DemoDataSeeded(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Storage: {Provider}{Embedded}{Replica}.")]
    private static partial void StorageResolved(ILogger logger, string provider, string embedded, string replica);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Demo mode (Demo:Enabled): demo dataset and the published demo admin and partner keys. Never for real data.")]
    private static partial void DemoModeOn(ILogger logger);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "{Sentence}")]
    private static partial void DatabaseUnreachable(ILogger logger, string sentence);
}

/// <summary>Settings under <c>Codes</c>: the coding rule's first year (assumed 2019) and the first day of X/T/S (reference data, 2022-03-01 assumed).</summary>
public sealed class CodeRuleOptions
{
    public const string Section = "Codes";

    public int FirstYear { get; set; } = CodeRuleSettings.Default.FirstYear;

    /// <summary>Overrides levels.json's first day of X/T/S; null keeps the reference data.</summary>
    public DateOnly? NewLevelsFirstDate { get; set; }

    public CodeRuleSettings ToSettings() => new(FirstYear, NewLevelsFirstDate);
}

/// <summary>Whether the storage has been initialized (schema, key check, demo data): what /health/ready reports besides reachability.</summary>
public sealed class StorageReadiness
{
    private volatile string? problem = "storage not initialized yet";

    public bool IsReady => problem is null;

    public string? Problem => problem;

    public void MarkReady() => problem = null;

    public void MarkWaiting(string sentence) => problem = sentence;

    public void MarkFailed(string sentence) => problem = sentence;
}
