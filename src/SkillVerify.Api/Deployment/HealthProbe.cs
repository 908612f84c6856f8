namespace SkillVerify.Api.Deployment;

/// <summary>
/// <c>dotnet SkillVerify.Api.dll --healthcheck</c>: GETs /health/live on this machine and exits 0 (healthy) or 1,
/// for the container's HEALTHCHECK (the runtime image has no curl or wget). The address is
/// <c>SKILLVERIFY_HEALTHCHECK_URL</c>, else the first http port of ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS on 127.0.0.1.
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--healthcheck";

    public static async Task<int> RunAsync(string? url = null)
    {
        url ??= Environment.GetEnvironmentVariable("SKILLVERIFY_HEALTHCHECK_URL") ?? LiveUrl(
            Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"), Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            Console.WriteLine($"{url}: {ex.GetType().Name}");
            return 1;
        }
    }

    /// <summary>Where Kestrel listens, as it decides: ASPNETCORE_URLS wins over ASPNETCORE_HTTP_PORTS.</summary>
    internal static string LiveUrl(string? httpPorts, string? urls)
    {
        string? port = null;
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (first is not null)
        {
            var authority = first["http://".Length..].TrimEnd('/');
            var colon = authority.LastIndexOf(':');
            port = colon >= 0 ? authority[(colon + 1)..] : "80";
        }
        port ??= httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return $"http://127.0.0.1:{port ?? "8080"}/health/live";
    }
}
