using SkillVerify.Data;
using SkillVerify.Domain.Privacy;

namespace SkillVerify.Cli;

/// <summary>
/// The same settings the API reads, from the environment (<c>Database__Provider</c>,
/// <c>ConnectionStrings__SkillVerify</c>, <c>Privacy__HashKey</c> or <c>Privacy__HashKeyFile</c>),
/// overridable by <c>--provider</c> and <c>--connection</c>.
/// </summary>
public sealed record CliSettings(string Provider, string ConnectionString, string? HashKeyText)
{
    /// <summary><c>ConnectionStrings:Redis</c>, as the API reads it: where imports publish cache invalidations.</summary>
    public string? Redis { get; } = Setting("ConnectionStrings:Redis");

    /// <summary><c>Cache:KeyPrefix</c>, which must match the API's.</summary>
    public string CacheKeyPrefix { get; } = Setting("Cache:KeyPrefix") ?? Data.Caching.CacheKeys.DefaultPrefix;

    public static CliSettings Resolve(string? provider, string? connection)
    {
        provider ??= Setting("Database:Provider") ?? DatabaseProviders.Sqlite;
        if (!DatabaseProviders.All.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliException($"Database:Provider (Database__Provider or --provider) is '{provider}'; it must be one of: {string.Join(", ", DatabaseProviders.All)}.");
        }
        connection ??= Setting("ConnectionStrings:SkillVerify");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new CliException("ConnectionStrings:SkillVerify (ConnectionStrings__SkillVerify or --connection) must be set, e.g. 'Data Source=/tmp/skillverify.db' for SQLite.");
        }
        return new CliSettings(provider.ToLowerInvariant(), connection, HolderKeys.Read(Setting("Privacy:HashKey"), Setting("Privacy:HashKeyFile")));
    }

    public SqlDialect CreateDialect() => Dialects.Create(Provider, ConnectionString);

    /// <summary>The holder hasher; the key must be the API's, or imported names will never match.</summary>
    public HolderHasher CreateHasher()
    {
        if (string.IsNullOrWhiteSpace(HashKeyText))
        {
            throw new CliException($"{HolderKeys.Setting} or Privacy:HashKeyFile (Privacy__HashKeyFile) must hold the API's base64 key of at least 32 bytes to import certificates.");
        }
        try
        {
            return new HolderHasher(HolderKeys.Parse(HashKeyText));
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>A setting as <c>Section:Key</c> or its environment form <c>Section__Key</c>.</summary>
    private static string? Setting(string name) =>
        Environment.GetEnvironmentVariable(name.Replace(":", "__")) is { Length: > 0 } value ? value : Environment.GetEnvironmentVariable(name);
}

/// <summary>A problem the operator can fix, reported as one sentence without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
