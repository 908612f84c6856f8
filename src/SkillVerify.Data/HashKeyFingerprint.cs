using System.Data.Common;
using Dapper;
using SkillVerify.Domain.Privacy;

namespace SkillVerify.Data;

/// <summary>
/// Ties a database to the holder hash key its names and ID numbers were hashed with (table <c>service_settings</c>,
/// schema 004). The first import of certificates (or the service's first start) records the key's fingerprint; an
/// import or a service start with another key is refused with what to do, instead of every stored holder silently
/// failing to match.
/// </summary>
public static class HashKeyFingerprint
{
    public const string SettingName = "holder_hash_key_fingerprint";

    /// <summary>16 hex characters of a keyed hash of a fixed text no name can be (a control character is stripped from every name).</summary>
    public static string Of(HolderHasher hasher) => Convert.ToHexStringLower(hasher.HashNormalizedName("\u0001skillverify-hash-key-fingerprint").AsSpan(0, 8));

    /// <summary>The fingerprint the database holds, or null when none is recorded yet.</summary>
    public static async Task<string?> ReadAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM service_settings WHERE name = @name", new { name = SettingName }, cancellationToken: cancellationToken));

    /// <summary>Records the key's fingerprint when the database has none; throws <see cref="HashKeyMismatchException"/> when it holds another.</summary>
    public static async Task CheckOrRecordAsync(DbConnection connection, HolderHasher hasher, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var current = Of(hasher);
        var stored = await ReadAsync(connection, cancellationToken);
        if (stored is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO service_settings (name, value, recorded_at) VALUES (@name, @value, @at)",
                new { name = SettingName, value = current, at = time.GetUtcNow() }, cancellationToken: cancellationToken));
            return;
        }
        if (!string.Equals(stored, current, StringComparison.Ordinal))
        {
            throw new HashKeyMismatchException(stored, current);
        }
    }

    /// <summary>The same check for a store (the service at start).</summary>
    public static async Task CheckOrRecordAsync(SqlDialect dialect, HolderHasher hasher, TimeProvider time, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await CheckOrRecordAsync(connection, hasher, time, cancellationToken);
    }
}

/// <summary>The configured holder hash key is not the one the database's holders were hashed with.</summary>
public sealed class HashKeyMismatchException(string stored, string configured) : InvalidOperationException(
    $"The database's holder names and ID numbers were hashed with another key (fingerprint {stored}); the configured Privacy:HashKey (Privacy__HashKey) "
    + $"has fingerprint {configured}. Configure the key the database was filled with (the API's and the import's must be the same), or use a new, empty database for this key.")
{
    public string Stored { get; } = stored;

    public string Configured { get; } = configured;

    public string MessageZh => $"数据库中的持证人姓名和身份证号是用另一个密钥哈希的（指纹 {Stored}），当前配置的 Privacy:HashKey（Privacy__HashKey）指纹为 {Configured}。"
        + "请配置当初导入数据时所用的密钥（API 与导入工具必须相同），或为这个密钥使用一个新的空数据库。";
}
