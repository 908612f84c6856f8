using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace SkillVerify.Api.Deployment;

public static class ShippedSettings
{
    /// <summary>
    /// The host reads <c>appsettings.json</c> from the content root, which is the working directory. Started from
    /// any other folder (<c>dotnet /srv/skillverify/SkillVerify.Api.dll</c> from a service manager, the load
    /// runner), the service would silently run without the file shipped beside it: every framework category
    /// logging at Information (five log lines per request instead of one audit record) and no shipped defaults.
    /// This adds the shipped file, from the binary's folder, underneath every other source, so a copy in the
    /// content root, the environment, secret files and the command line still override it.
    /// </summary>
    public static IHostApplicationBuilder AddShippedSettings(this IHostApplicationBuilder builder)
    {
        var folder = AppContext.BaseDirectory;
        var shipped = Path.Combine(folder, "appsettings.json");
        if (!File.Exists(shipped) || SameFolder(folder, builder.Environment.ContentRootPath))
        {
            return builder;
        }
        var source = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            FileProvider = new PhysicalFileProvider(folder),
            Optional = true,
            ReloadOnChange = false,
        };
        builder.Configuration.Sources.Insert(0, source);
        return builder;
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
