using System.ComponentModel.DataAnnotations;

namespace SkillVerify.Data;

/// <summary>Settings under <c>Database</c>; the connection string is <c>ConnectionStrings:SkillVerify</c>.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";
    public const string ConnectionStringName = "SkillVerify";

    /// <summary>SQL Server: an optional connection string for the read path, e.g. with <c>ApplicationIntent=ReadOnly</c>.</summary>
    public const string ReadConnectionStringName = "SkillVerifyReadOnly";

    /// <summary><c>sqlite</c> (embedded default), <c>sqlserver</c> or <c>postgres</c>.</summary>
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>Where the embedded SQLite database and demo secrets live when no connection string is set.</summary>
    public string DataDirectory { get; set; } = "data";

    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!DatabaseProviders.All.Contains(Provider, StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"Database:Provider (Database__Provider) is '{Provider}'; it must be one of: {string.Join(", ", DatabaseProviders.All)}.",
                [nameof(Provider)]);
        }
    }
}

public static class DatabaseProviders
{
    public const string Sqlite = "sqlite";
    public const string SqlServer = "sqlserver";
    public const string Postgres = "postgres";

    public static readonly IReadOnlyList<string> All = [Sqlite, SqlServer, Postgres];
}
