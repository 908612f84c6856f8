using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Qr;

/// <summary>Where QR links point, and which hosts are ours.</summary>
public sealed class QrLinks
{
    private readonly string? publicBaseUrl;
    private readonly List<(string Host, int? Port)> officialHosts = [];
    private readonly bool demo;
    private readonly IServer? server;

    public QrLinks(IOptions<QrOptions> options, StorageLayout layout, IServer? server = null)
    {
        this.server = server;
        var o = options.Value;
        demo = layout.Demo;
        if (!string.IsNullOrWhiteSpace(o.PublicBaseUrl))
        {
            publicBaseUrl = o.PublicBaseUrl.TrimEnd('/');
            officialHosts.Add((new Uri(publicBaseUrl).IdnHost.ToLowerInvariant(), null));
        }
        foreach (var entry in o.OfficialHosts)
        {
            var colon = entry.LastIndexOf(':');
            officialHosts.Add(colon > 0 && int.TryParse(entry.AsSpan(colon + 1), out var port)
                ? (entry[..colon].ToLowerInvariant(), port)
                : (entry.ToLowerInvariant(), null));
        }
    }

    /// <summary>
    /// The base URL printed in QR codes: the configured one (Qr:PublicBaseUrl), or in demo mode the address the
    /// service itself listens on (http://127.0.0.1:5080 when run as in README). Never the request's Host header,
    /// which the caller chooses: a QR must not point wherever the asker says. Null when neither is known.
    /// </summary>
    public string? BaseUrl() =>
        publicBaseUrl ?? (demo ? ListeningAddress() : null);

    private string? ListeningAddress()
    {
        var addresses = server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Deployment.DemoMode.IsLoopback(a))
            ?? addresses?.FirstOrDefault(a => Deployment.DemoMode.IsLoopback(a));
        return address?.TrimEnd('/');
    }

    public static string VerificationUrl(string baseUrl, string canonicalCode, string token) =>
        $"{baseUrl}/v/{canonicalCode}?t={Uri.EscapeDataString(token)}";

    /// <summary>Whether a scanned link's host is ours. In demo mode without a configured base URL, the address it listens on is.</summary>
    public bool IsOfficial(Uri uri)
    {
        var host = uri.IdnHost.ToLowerInvariant();
        foreach (var (h, port) in officialHosts)
        {
            if (h == host && (port is null || port == uri.Port))
            {
                return true;
            }
        }
        return publicBaseUrl is null && demo && ListeningAddress() is { } own && Uri.TryCreate(own, UriKind.Absolute, out var ours)
            && string.Equals(host, ours.IdnHost, StringComparison.OrdinalIgnoreCase) && ours.Port == uri.Port;
    }
}
