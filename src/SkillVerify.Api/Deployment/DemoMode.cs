using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Security;

namespace SkillVerify.Api.Deployment;

/// <summary>
/// Settings under <c>Demo</c>. Demo mode is what README's first command runs (its launch profile sets
/// <c>Demo__Enabled=true</c>): the demo dataset, the documented demo admin and partner keys, and random hash, QR-token
/// and signing keys kept in the data folder. It is off unless asked for, and it refuses to start beside anything
/// real: a configured database, a hash key or an admin key.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>
    /// The second of the two settings a demo needs to listen on an address other than loopback (a demo with its
    /// published keys, reachable from the network, is asked for twice, never by accident).
    /// </summary>
    public bool ListenBeyondLoopback { get; set; }
}

public static class DemoMode
{
    /// <summary>Why demo mode cannot start with these settings; empty when it can (or when it is off).</summary>
    public static IEnumerable<string> Conflicts(IConfiguration configuration, DemoOptions demo)
    {
        if (!demo.Enabled)
        {
            yield break;
        }
        const string Why = "Demo:Enabled (Demo__Enabled) is on, but {0} is set: demo mode, with its published keys, runs only on the embedded default with nothing real configured. Turn demo mode off or remove the setting.";
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString(Data.DatabaseOptions.ConnectionStringName))
            || !string.Equals(configuration["Database:Provider"] ?? Data.DatabaseProviders.Sqlite, Data.DatabaseProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            yield return string.Format(System.Globalization.CultureInfo.InvariantCulture, Why, "a database (ConnectionStrings:SkillVerify or Database:Provider)");
        }
        if (!string.IsNullOrWhiteSpace(configuration["Privacy:HashKey"]) || !string.IsNullOrWhiteSpace(configuration["Privacy:HashKeyFile"]))
        {
            yield return string.Format(System.Globalization.CultureInfo.InvariantCulture, Why, "a holder-hash key (Privacy:HashKey)");
        }
        if (configuration.GetSection(AdminOptions.Section + ":ApiKeys").GetChildren().Any(k => !string.IsNullOrWhiteSpace(k.Value)))
        {
            yield return string.Format(System.Globalization.CultureInfo.InvariantCulture, Why, "an admin key (Admin:ApiKeys)");
        }
        if (!demo.ListenBeyondLoopback && ConfiguredAddresses(configuration).FirstOrDefault(a => !IsLoopback(a)) is { } exposed)
        {
            yield return NotLoopback(exposed);
        }
    }

    /// <summary>Runs the service; a demo that bound an address beyond loopback, not told so twice, stops at once with exit code 2.</summary>
    public static async Task RunDemoGuardedAsync(this WebApplication app)
    {
        await app.StartAsync();
        if (ExposedAddress(app) is { } exposed)
        {
            Console.Error.WriteLine("SkillVerify cannot start: " + exposed);
            Environment.ExitCode = 2;
            await app.StopAsync();
            return;
        }
        await app.WaitForShutdownAsync();
    }

    /// <summary>After the server bound its addresses (Kestrel listen options set in code are seen only then): none may be beyond loopback on a demo not told so twice.</summary>
    public static string? ExposedAddress(WebApplication app)
    {
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (!demo.Enabled || demo.ListenBeyondLoopback)
        {
            return null;
        }
        var addresses = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.FirstOrDefault(a => !IsLoopback(a)) is { } exposed ? NotLoopback(exposed) : null;
    }

    private static string NotLoopback(string address) =>
        $"Demo:Enabled (Demo__Enabled) is on and the service would listen on {address}, beyond loopback: the demo's admin and partner keys are published. " +
        "Listen on 127.0.0.1 only, or also set Demo:ListenBeyondLoopback (Demo__ListenBeyondLoopback=true) to say you mean it.";

    /// <summary>The addresses configuration asks Kestrel for (urls, http_ports/https_ports, Kestrel:Endpoints); none means its loopback default.</summary>
    private static IEnumerable<string> ConfiguredAddresses(IConfiguration configuration)
    {
        foreach (var url in (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return url;
        }
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            // Ports alone bind every interface.
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return "http://*:" + port;
            }
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return url;
            }
        }
    }

    internal static bool IsLoopback(string address)
    {
        var rest = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        var end = rest.IndexOf('/');
        if (end >= 0)
        {
            rest = rest[..end];
        }
        string host;
        if (rest.StartsWith('['))
        {
            host = rest[1..Math.Max(1, rest.IndexOf(']'))];
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
