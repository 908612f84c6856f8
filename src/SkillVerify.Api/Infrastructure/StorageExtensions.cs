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

/// <summary>Where the data lives, resolved once at start.</summary>
public sealed record StorageLayout(string Provider, string ConnectionString, bool EmbeddedDefault, string DataDirectory, bool SeedDemoData);

public static class StorageExtensions
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section);
        services.AddOptions<CodeRuleOptions>().BindConfiguration(CodeRuleOptions.Section)
            .Validate(o => o.FirstYear is >= 1990 and <= 2100 && o.FirstYear <= (o.NewLevelsFirstDate ?? ReferenceData.GetLevel('X').SinceDate!.Value).Year,
                "Codes:FirstYear (Codes__FirstYear) must be a year from 1990 to 2100 and not after Codes:NewLevelsFirstDate.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
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
            return new StorageLayout(provider, connectionString!, embedded, dataDirectory, options.SeedDemoData ?? embedded);
        });
        services.AddSingleton(sp => Dialects.Create(sp.GetRequiredService<StorageLayout>().Provider, sp.GetRequiredService<StorageLayout>().ConnectionString,
            // SQL Server: lookups may go to a read replica (ApplicationIntent=ReadOnly).
            builder.Configuration.GetConnectionString(DatabaseOptions.ReadConnectionStringName)));
        services.AddSingleton<ISkillVerifyStore>(sp => new DapperStore(
            sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.CommandTimeoutSeconds));
        services.AddSingleton(sp => new HolderHasher(LoadHashKey(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value, sp.GetRequiredService<StorageLayout>())));
        services.AddSingleton(sp => new CodeDecoder(sp.GetRequiredService<IOptions<CodeRuleOptions>>().Value.ToSettings(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Applies the schema and, on the embedded default, the demo dataset. Runs before the first request.</summary>
    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        var layout = app.Services.GetRequiredService<StorageLayout>();
        var store = app.Services.GetRequiredService<ISkillVerifyStore>();
        // Resolved now so a missing or malformed key stops the start, not the first request.
        var hasher = app.Services.GetRequiredService<HolderHasher>();
        app.Services.GetRequiredService<CodeDecoder>();
        await store.MigrateAsync();
        if (layout.SeedDemoData && await DemoData.SeedIfEmptyAsync(store, hasher, app.Services.GetRequiredService<TimeProvider>()))
        {
            app.Logger.LogInformation("Filled the embedded database with the demo dataset ({Count} hand-made cases).", DemoData.Cases.Count);
        }
        app.Logger.LogInformation("Storage: {Provider}{Embedded}.", layout.Provider, layout.EmbeddedDefault ? $" (embedded default in {layout.DataDirectory})" : "");
    }

    private static byte[] LoadHashKey(PrivacyOptions options, StorageLayout layout)
    {
        // Read the same way as the import CLI (HolderKeys), so imported names match what callers type.
        var text = HolderKeys.Read(options.HashKey, options.HashKeyFile);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (!layout.EmbeddedDefault)
            {
                throw new OptionsValidationException(nameof(PrivacyOptions), typeof(PrivacyOptions),
                    ["Privacy:HashKey (Privacy__HashKey) or Privacy:HashKeyFile must hold a base64 key of at least 32 bytes when a database is configured."]);
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
