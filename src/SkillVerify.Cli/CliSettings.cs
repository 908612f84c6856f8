using System.Security.Cryptography;
using SkillVerify.Data;
using SkillVerify.Domain.Privacy;

namespace SkillVerify.Cli;

/// <summary>
/// The same settings the API reads, from the environment (<c>Database__Provider</c>,
/// <c>ConnectionStrings__SkillVerify</c>, <c>Privacy__HashKey</c> or <c>Privacy__HashKeyFile</c>,
/// <c>Database__DataDirectory</c>), overridable by <c>--provider</c> and <c>--connection</c>. With neither a provider
/// nor a connection string, the CLI uses the API's embedded default: the SQLite file <c>skillverify.db</c> and the
/// demo hash key <c>holder-hash.key</c> in the data directory (<c>data</c> under the current directory by default).
/// </summary>
public sealed record CliSettings(string Provider, string ConnectionString, string? HashKeyText, bool EmbeddedDefault, string DataDirectory)
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
            throw new CliException($"数据库类型（Database__Provider 或 --provider）是“{provider}”，只能是 {string.Join("、", DatabaseProviders.All)} 之一。",
                $"Database:Provider (Database__Provider or --provider) is '{provider}'; it must be one of: {string.Join(", ", DatabaseProviders.All)}.");
        }
        provider = provider.ToLowerInvariant();
        connection ??= Setting("ConnectionStrings:SkillVerify");
        var dataDirectory = Path.GetFullPath(Setting("Database:DataDirectory") ?? "data");
        var embedded = false;
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider != DatabaseProviders.Sqlite)
            {
                throw new CliException($"数据库类型为 {provider} 时必须设置连接字符串（ConnectionStrings__SkillVerify 或 --connection）。",
                    $"ConnectionStrings:SkillVerify (ConnectionStrings__SkillVerify or --connection) must be set when the provider is {provider}.");
            }
            // The API's embedded default: the same file in the same data directory.
            embedded = true;
            Directory.CreateDirectory(dataDirectory);
            connection = SqliteDialect.ForFile(Path.Combine(dataDirectory, "skillverify.db"));
        }
        string? key;
        try
        {
            key = HolderKeys.Read(Setting("Privacy:HashKey"), Setting("Privacy:HashKeyFile"));
        }
        catch (IOException e)
        {
            throw new CliException($"读不到 Privacy__HashKeyFile 指定的密钥文件：{e.Message}", $"The key file named by Privacy:HashKeyFile (Privacy__HashKeyFile) cannot be read: {e.Message}");
        }
        return new CliSettings(provider, connection, key, embedded, dataDirectory);
    }

    public SqlDialect CreateDialect()
    {
        try
        {
            return Dialects.Create(Provider, ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"连接字符串（ConnectionStrings__SkillVerify 或 --connection）无法解析：{e.Message}",
                $"The connection string (ConnectionStrings__SkillVerify or --connection) cannot be parsed: {e.Message}");
        }
    }

    /// <summary>The holder hasher; the key must be the API's, or imported names will never match.</summary>
    public HolderHasher CreateHasher()
    {
        var text = HashKeyText;
        if (string.IsNullOrWhiteSpace(text) && EmbeddedDefault)
        {
            // As the API does on its embedded default: the demo-only key beside the database.
            var path = Path.Combine(DataDirectory, "holder-hash.key");
            if (!File.Exists(path))
            {
                File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            text = File.ReadAllText(path).Trim();
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliException("导入证书需要 Privacy__HashKey（或 Privacy__HashKeyFile）：与 API 相同、至少 32 字节的 base64 密钥。",
                $"{HolderKeys.Setting} or Privacy:HashKeyFile (Privacy__HashKeyFile) must hold the API's base64 key of at least 32 bytes to import certificates.");
        }
        try
        {
            return new HolderHasher(HolderKeys.Parse(text));
        }
        catch (InvalidOperationException e)
        {
            throw new CliException("Privacy__HashKey 必须是至少 32 字节的 base64 文本。", e.Message);
        }
    }

    /// <summary>A setting as <c>Section:Key</c> or its environment form <c>Section__Key</c>.</summary>
    private static string? Setting(string name) =>
        Environment.GetEnvironmentVariable(name.Replace(":", "__")) is { Length: > 0 } value ? value : Environment.GetEnvironmentVariable(name);
}

/// <summary>A problem the operator can fix, reported as one sentence in Chinese and in English, without a stack trace.</summary>
public sealed class CliException(string messageZh, string messageEn, int exitCode = 2) : Exception(messageEn)
{
    public string MessageZh { get; } = messageZh;

    public int ExitCode { get; } = exitCode;
}
