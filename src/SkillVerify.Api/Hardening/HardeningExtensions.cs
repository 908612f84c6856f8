using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
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
        // Each consumer reads the validated options when it is built, so settings from any source apply.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HardeningOptions>>((kestrel, hardening) =>
        {
            var options = hardening.Value;
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

        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<HardeningOptions>>((cors, hardening) => cors.AddDefaultPolicy(policy =>
        {
            var options = hardening.Value;
            // Only simple reads and verifications from listed origins; no credentials, no API keys from browsers.
            policy.WithOrigins([.. options.CorsAllowedOrigins])
                .WithMethods("GET", "POST")
                .WithHeaders("Content-Type")
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HardeningOptions>>((forwarded, hardening) =>
        {
            var options = hardening.Value;
            forwarded.ForwardLimit = options.ForwardLimit;
            // Added to the rate limiter's trusted proxies (RateLimiting:TrustedProxies/TrustedNetworks, configured first by
            // AddRateLimits, which also cleared the framework's loopback defaults): one list of proxies whose headers count.
            foreach (var proxy in options.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in options.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            // Closed by default: with both lists empty the middleware would believe every sender, so then nothing is forwarded.
            forwarded.ForwardedHeaders = forwarded.KnownProxies.Count + forwarded.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });

        builder.Services.AddOptions<HstsOptions>().Configure<IOptions<HardeningOptions>>((hsts, hardening) =>
        {
            var options = hardening.Value;
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
        // With no known proxy or network at all, ForwardedHeadersMiddleware believes X-Forwarded-For from anyone
        // (it checks the sender only when one is listed): leave it out, so a forged header is ignored.
        // (Raw configuration: a wrong value is reported by the options validation, not here.)
        if (app.Configuration.GetSection("Hardening:KnownProxies").GetChildren().Any()
            || app.Configuration.GetSection("Hardening:KnownNetworks").GetChildren().Any())
        {
            app.UseForwardedHeaders();
        }
        // Options are read when the pipeline is built (at start), so a wrong setting stops the service with its sentence.
        app.Use(next =>
        {
            var options = app.Services.GetRequiredService<IOptions<HardeningOptions>>().Value;
            return context =>
            {
                // On starting, so that answers written after an error cleared the response carry them too.
                context.Response.OnStarting(static state =>
                {
                    var (context, options) = ((HttpContext, HardeningOptions))state;
                    var headers = context.Response.Headers;
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    // No referrer: a page's URL may carry a certificate code or a QR token.
                    headers["Referrer-Policy"] = "no-referrer";
                    // An endpoint that set its own, stricter policy (the mobile page) keeps it.
                    if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
                    {
                        headers.ContentSecurityPolicy = IsDocs(context.Request.Path) ? options.DocsContentSecurityPolicy : options.ContentSecurityPolicy;
                    }
                    headers["Permissions-Policy"] = options.PermissionsPolicy;
                    headers["Cross-Origin-Opener-Policy"] = "same-origin";
                    return Task.CompletedTask;
                }, (context, options));

                var request = context.Request;
                var urlLength = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
                if (urlLength > options.MaxUrlLength)
                {
                    var problem = Problems.Create(StatusCodes.Status414UriTooLong, "URI too long.", "http.uri_too_long",
                        $"请求地址过长（最多{options.MaxUrlLength}个字符）。", $"The request URL is too long (at most {options.MaxUrlLength} characters).", null);
                    return problem.ExecuteAsync(context);
                }
                return next(context);
            };
        });
        app.UseWhen(context => Options(context).HstsMaxAgeDays > 0, branch => branch.UseHsts());
        app.UseWhen(context => Options(context).CorsAllowedOrigins.Count > 0, branch => branch.UseCors());
        return app;
    }

    private static HardeningOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<HardeningOptions>>().Value;

    private static bool IsDocs(PathString path) => path.StartsWithSegments("/docs") || path.StartsWithSegments("/scalar");

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" &&
        string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
