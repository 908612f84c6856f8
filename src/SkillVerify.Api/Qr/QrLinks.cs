using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Qr;

/// <summary>Where QR links point, and which hosts are ours.</summary>
public sealed class QrLinks
{
    private readonly string? publicBaseUrl;
    private readonly List<(string Host, int? Port)> officialHosts = [];
    private readonly bool demo;

    public QrLinks(IOptions<QrOptions> options, StorageLayout layout)
    {
        var o = options.Value;
        demo = layout.EmbeddedDefault && layout.SeedDemoData;
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
    /// The base URL printed in QR codes: the configured one, or on the embedded demo the request's own
    /// (http://127.0.0.1:5080 when run as in README). Null outside the demo when nothing is configured.
    /// </summary>
    public string? BaseUrl(HttpRequest request) =>
        publicBaseUrl ?? (demo ? $"{request.Scheme}://{request.Host}{request.PathBase}" : null);

    public static string VerificationUrl(string baseUrl, string canonicalCode, string token) =>
        $"{baseUrl}/v/{canonicalCode}?t={Uri.EscapeDataString(token)}";

    /// <summary>Whether a scanned link's host is ours. On the demo without a configured base URL, the request's own host is.</summary>
    public bool IsOfficial(Uri uri, HttpRequest request)
    {
        var host = uri.IdnHost.ToLowerInvariant();
        foreach (var (h, port) in officialHosts)
        {
            if (h == host && (port is null || port == uri.Port))
            {
                return true;
            }
        }
        return publicBaseUrl is null && demo
            && string.Equals(host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && (request.Host.Port is null || request.Host.Port == uri.Port);
    }
}
