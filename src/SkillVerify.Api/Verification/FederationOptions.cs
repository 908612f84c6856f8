using SkillVerify.Domain.Reference;

namespace SkillVerify.Api.Verification;

/// <summary>A peer province's instance: where it listens and the partner key it issued to this instance.</summary>
public sealed class PeerOptions
{
    public string BaseUrl { get; set; } = "";

    public string ApiKey { get; set; } = "";
}

/// <summary>
/// Settings under <c>Federation</c> (跨区域互认). Without <see cref="LocalProvince"/> this instance answers
/// every code from its own data (the embedded default, or a national instance).
/// </summary>
public sealed class FederationOptions
{
    public const string Section = "Federation";

    /// <summary>This instance's province code(s), comma-separated, e.g. <c>44</c>. Codes of these provinces are answered locally.</summary>
    public string? LocalProvince { get; set; }

    /// <summary>Peer provinces by province code: <c>Federation:Peers:32:BaseUrl</c>, <c>Federation:Peers:32:ApiKey</c>.</summary>
    public Dictionary<string, PeerOptions> Peers { get; set; } = [];

    /// <summary>The whole budget for a forwarded verification, retries included; after it the answer is UNKNOWN.</summary>
    public double TimeoutSeconds { get; set; } = 3;

    /// <summary>Retries after a failed attempt (with exponential backoff and jitter), within <see cref="TimeoutSeconds"/>.</summary>
    public int Retries { get; set; } = 2;

    public IReadOnlyList<string> LocalProvinces =>
        (LocalProvince ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Enabled => LocalProvinces.Count > 0;

    public IEnumerable<string> Validate()
    {
        foreach (var p in LocalProvinces.Where(p => ReferenceData.FindProvince(p) is null))
        {
            yield return $"Federation:LocalProvince (Federation__LocalProvince) holds '{p}', which is not a province code.";
        }
        foreach (var (province, peer) in Peers)
        {
            var name = $"Federation:Peers:{province}";
            if (ReferenceData.FindProvince(province) is null)
            {
                yield return $"{name}: '{province}' is not a province code.";
            }
            if (LocalProvinces.Contains(province))
            {
                yield return $"{name}: province {province} is this instance's own (Federation:LocalProvince).";
            }
            if (!Uri.TryCreate(peer.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return $"{name}:BaseUrl must be an absolute http(s) URL.";
            }
            else if (uri.Scheme == "http" && !uri.IsLoopback)
            {
                // The peer key and holder names travel on this connection.
                yield return $"{name}:BaseUrl must be https (plain http only to a loopback address): the partner key and holder names travel on it.";
            }
            if (string.IsNullOrWhiteSpace(peer.ApiKey))
            {
                yield return $"{name}:ApiKey must hold the partner key that province issued to this instance.";
            }
        }
        if (Peers.Count > 0 && !Enabled)
        {
            yield return "Federation:LocalProvince must be set when Federation:Peers are configured.";
        }
        if (TimeoutSeconds is < 0.1 or > 60)
        {
            yield return "Federation:TimeoutSeconds must be from 0.1 to 60.";
        }
        if (Retries is < 0 or > 5)
        {
            yield return "Federation:Retries must be from 0 to 5.";
        }
    }
}
