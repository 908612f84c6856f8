using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Hardening;

public static class HardeningExtensions
{
    /// <summary>Kestrel limits, CORS (closed unless origins are configured), trusted proxies, HSTS settings.</summary>
    public static IHostApplicationBuilder AddHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HardeningOptions>().BindConfiguration(HardeningOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.CorsAllowedOrigins.All(IsOrigin),
                "Hardening:CorsAllowedOrigins (Hardening__CorsAllowedOrigins__0, …) must each be an origin such as https://example.gov.cn, without path or wildcard.")
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)),
                "Hardening:KnownProxies (Hardening__KnownProxies__0, …) must each be an IP address.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "Hardening:KnownNetworks (Hardening__KnownNetworks__0, …) must each be a network in CIDR form such as 10.0.0.0/8.")
            .Validate(o => o.MaxUrlLength <= o.MaxRequestLineBytes,
                "Hardening:MaxUrlLength must not exceed Hardening:MaxRequestLineBytes.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(HardeningOptions.Section).Get<HardeningOptions>() ?? new HardeningOptions();

        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var limits = kestrel.Limits;
            limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            limits.MaxRequestLineSize = options.MaxRequestLineBytes;
            limits.MaxRequestBufferSize = Math.Max(options.MaxRequestLineBytes, options.MaxRequestHeadersTotalBytes) * 2L;
            limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalBytes;
            limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
            limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            limits.MaxConcurrentUpgradedConnections = options.MaxConcurrentConnections ?? 100;
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds);
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
            limits.Http2.MaxRequestHeaderFieldSize = options.MaxRequestHeadersTotalBytes;
        });

        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            // Only simple reads and verifications from listed origins; no credentials, no API keys from browsers.
            policy.WithOrigins([.. options.CorsAllowedOrigins])
                .WithMethods("GET", "POST")
                .WithHeaders("Content-Type")
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));

        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = options.ForwardLimit;
            // Closed by default: without configured proxies no forwarded header is believed (not even loopback's).
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in options.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(options.HstsMaxAgeDays);
            hsts.IncludeSubDomains = options.HstsIncludeSubDomains;
        });
        return builder;
    }

    /// <summary>
    /// Trusted forwarded headers, security headers on every response, HSTS when configured, the URL length limit,
    /// and CORS. First in the pipeline, so even errors carry the headers.
    /// </summary>
    public static WebApplication UseHardening(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<HardeningOptions>>().Value;
        app.UseForwardedHeaders();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // No referrer: a page's URL may carry a certificate code or a QR token.
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = IsDocs(context.Request.Path) ? options.DocsContentSecurityPolicy : options.ContentSecurityPolicy;
            headers["Permissions-Policy"] = options.PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";

            var request = context.Request;
            var urlLength = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
            if (urlLength > options.MaxUrlLength)
            {
                var problem = Problems.Create(StatusCodes.Status414UriTooLong, "URI too long.", "http.uri_too_long",
                    $"请求地址过长（最多{options.MaxUrlLength}个字符）。", $"The request URL is too long (at most {options.MaxUrlLength} characters).", null);
                return problem.ExecuteAsync(context);
            }
            return next(context);
        });
        if (options.HstsMaxAgeDays > 0)
        {
            app.UseHsts();
        }
        if (options.CorsAllowedOrigins.Count > 0)
        {
            app.UseCors();
        }
        return app;
    }

    private static bool IsDocs(PathString path) => path.StartsWithSegments("/docs") || path.StartsWithSegments("/scalar");

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" &&
        string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
