using System.ComponentModel.DataAnnotations;

namespace SkillVerify.Api.Hardening;

/// <summary>Settings under <c>Hardening</c>: response headers, CORS, request limits and trusted proxies. Defaults are closed.</summary>
public sealed class HardeningOptions
{
    public const string Section = "Hardening";

    /// <summary>
    /// The Content-Security-Policy of every response: nothing may load or run except scripts, styles and images
    /// from this origin (no inline scripts), and no one may frame the page.
    /// </summary>
    public string ContentSecurityPolicy { get; set; } =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The policy for the interactive API docs (<c>/docs</c>, <c>/scalar</c>), whose page needs inline script and style.</summary>
    public string DocsContentSecurityPolicy { get; set; } =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Browser features no page of this service uses.</summary>
    public string PermissionsPolicy { get; set; } = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    /// <summary>HSTS max-age in days on HTTPS responses; 0 (the default) sends no HSTS. Turn on only when every host name is served over HTTPS.</summary>
    [Range(0, 3650, ErrorMessage = "Hardening:HstsMaxAgeDays (Hardening__HstsMaxAgeDays) must be from {1} to {2}.")]
    public int HstsMaxAgeDays { get; set; }

    public bool HstsIncludeSubDomains { get; set; }

    /// <summary>Origins (<c>https://example.gov.cn</c>) whose pages may call the API from a browser. Empty (the default): CORS closed.</summary>
    public List<string> CorsAllowedOrigins { get; set; } = [];

    /// <summary>Largest request body Kestrel accepts (each endpoint has its own, smaller limit).</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Hardening:MaxRequestBodyBytes (Hardening__MaxRequestBodyBytes) must be from {1} to {2}.")]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest URL (path and query) the service reads; longer gets a 414 problem. Kestrel's request-line limit is the hard stop above it.</summary>
    [Range(256, 64 * 1024, ErrorMessage = "Hardening:MaxUrlLength (Hardening__MaxUrlLength) must be from {1} to {2}.")]
    public int MaxUrlLength { get; set; } = 2048;

    /// <summary>Kestrel: the request line (method, URL, version); a longer one is refused with 414 before the application sees it.</summary>
    // Well above MaxUrlLength on purpose: a long URL then reaches the application, which answers a 414 problem
    // that says what is wrong, instead of Kestrel's bare 414 with an empty body.
    [Range(1024, 1024 * 1024, ErrorMessage = "Hardening:MaxRequestLineBytes (Hardening__MaxRequestLineBytes) must be from {1} to {2}.")]
    public int MaxRequestLineBytes { get; set; } = 128 * 1024;

    /// <summary>Kestrel: all request headers together; over it, 431.</summary>
    [Range(4 * 1024, 256 * 1024, ErrorMessage = "Hardening:MaxRequestHeadersTotalBytes (Hardening__MaxRequestHeadersTotalBytes) must be from {1} to {2}.")]
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    [Range(8, 1000, ErrorMessage = "Hardening:MaxRequestHeaderCount (Hardening__MaxRequestHeaderCount) must be from {1} to {2}.")]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Kestrel: open connections per instance; null = unlimited (let the load balancer limit).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Hardening:MaxConcurrentConnections (Hardening__MaxConcurrentConnections) must be from {1} to {2}.")]
    public long? MaxConcurrentConnections { get; set; }

    [Range(1, 600, ErrorMessage = "Hardening:KeepAliveTimeoutSeconds (Hardening__KeepAliveTimeoutSeconds) must be from {1} to {2}.")]
    public int KeepAliveTimeoutSeconds { get; set; } = 120;

    /// <summary>Kestrel: time to receive the request headers (slow-loris defence).</summary>
    [Range(1, 300, ErrorMessage = "Hardening:RequestHeadersTimeoutSeconds (Hardening__RequestHeadersTimeoutSeconds) must be from {1} to {2}.")]
    public int RequestHeadersTimeoutSeconds { get; set; } = 15;

    /// <summary>Addresses of reverse proxies / load balancers whose X-Forwarded-For and X-Forwarded-Proto are trusted. Empty: none, headers ignored.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, <c>10.0.0.0/8</c>) of trusted proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies to unwind in X-Forwarded-For.</summary>
    [Range(1, 10, ErrorMessage = "Hardening:ForwardLimit (Hardening__ForwardLimit) must be from {1} to {2}.")]
    public int ForwardLimit { get; set; } = 1;
}
