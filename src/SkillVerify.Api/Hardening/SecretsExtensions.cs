namespace SkillVerify.Api.Hardening;

public static class SecretsExtensions
{
    /// <summary>
    /// Reads secrets from a folder of files, one per setting, named like environment variables
    /// (<c>Privacy__HashKey</c>, <c>Admin__ApiKeys__0</c>, and later signing and MAC keys): a Docker or Kubernetes
    /// secret mount. The folder is <c>Secrets:Directory</c> (<c>Secrets__Directory</c>); without it, secrets come from
    /// environment variables or other configuration. Files override environment and appsettings.
    /// </summary>
    public static IHostApplicationBuilder AddSecretFiles(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration["Secrets:Directory"];
        builder.Services.AddOptions<SecretsOptions>().BindConfiguration("Secrets")
            .Validate(o => string.IsNullOrWhiteSpace(o.Directory) || System.IO.Directory.Exists(o.Directory),
                "Secrets:Directory (Secrets__Directory) must name a readable folder of secret files.")
            .ValidateOnStart();
        if (!string.IsNullOrWhiteSpace(directory))
        {
            builder.Configuration.AddKeyPerFile(directory, optional: true, reloadOnChange: false);
        }
        return builder;
    }
}

/// <summary>Settings under <c>Secrets</c>.</summary>
public sealed class SecretsOptions
{
    public string? Directory { get; set; }
}
