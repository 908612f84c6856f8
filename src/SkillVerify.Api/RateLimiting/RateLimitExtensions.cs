using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.RateLimiting;

public static class RateLimitExtensions
{
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<LocalWindows>();
        // Read when first resolved (not while registering), so every configuration source counts.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RateLimitOptions>>();
            var local = sp.GetRequiredService<LocalWindows>();
            var redis = sp.GetRequiredService<IConfiguration>().GetConnectionString("Redis");
            var shared = string.IsNullOrWhiteSpace(redis) ? null
                : new RedisWindows(redis, options.Value, local, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisWindows>>());
            return new RequestLimiter(options, local, shared);
        });
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static (context, _) => new ValueTask(Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests.", "rate_limit.exceeded",
                "请求过于频繁，请按 Retry-After 所示秒数后再试。", "Too many requests; try again after the number of seconds in Retry-After.", null)
                .ExecuteAsync(context.HttpContext));
        });
        services.AddOptions<RateLimiterOptions>().Configure<RequestLimiter>((options, limiter) => options.GlobalLimiter = limiter);

        // X-Forwarded-For is believed only from the configured proxies; the defaults (loopback) are cleared.
        // (Read unvalidated, skipping bad entries: a wrong value is reported once, by RateLimitOptions' own validation.)
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var settings = TrustedSources(configuration);
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = null;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
            }
            foreach (var network in settings.TrustedNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    options.KnownIPNetworks.Add(parsed);
                }
            }
        });
        return builder;
    }

    /// <summary>Forwarded headers (only with trusted proxies configured), then the rate limiter.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        var trusted = TrustedSources(app.ApplicationServices.GetRequiredService<IConfiguration>());
        // With no known proxy at all the middleware would believe everyone: leave it out instead.
        if (trusted.TrustedProxies.Count > 0 || trusted.TrustedNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitOptions TrustedSources(IConfiguration configuration) =>
        configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();

    private sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
