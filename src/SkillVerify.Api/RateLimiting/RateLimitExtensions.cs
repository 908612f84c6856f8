using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using StackExchange.Redis;

namespace SkillVerify.Api.RateLimiting;

public static class RateLimitExtensions
{
    /// <summary>
    /// ASP.NET Core's rate limiter with one policy (<see cref="ApiRateLimitPolicy"/>) that the /api route groups require,
    /// counted in Redis on the process's one connection when configured; and the holder-check budget, on the same connection.
    /// </summary>
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddHttpContextAccessor();
        services.AddSingleton<RedisFallback>();
        services.AddSingleton(sp => new ApiRateLimitPolicy(sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetRequiredService<RedisFallback>(),
            sp.GetRequiredService<IHttpContextAccessor>(), sp.GetService<IConnectionMultiplexer>()));
        services.AddSingleton<LocalWindows>();
        services.AddSingleton(sp =>
        {
            var local = sp.GetRequiredService<LocalWindows>();
            var shared = sp.GetService<IConnectionMultiplexer>() is { } redis
                ? new RedisWindows(redis, sp.GetRequiredService<RedisFallback>(), local, sp.GetRequiredService<IOptions<RateLimitOptions>>().Value)
                : null;
            return new WindowStore(local, shared);
        });
        // The one guessing budget every channel that tests a holder binding takes from.
        services.AddSingleton<HolderBindingBudget>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static (context, _) =>
            {
                // The window has written RateLimit and Retry-After already; the lease says it too, for any other limiter.
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && context.HttpContext.Response.Headers.RetryAfter.Count == 0)
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return new ValueTask(Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests.", "rate_limit.exceeded",
                    "请求过于频繁，请按 Retry-After 所示秒数后再试。", "Too many requests; try again after the number of seconds in Retry-After.", null)
                    .ExecuteAsync(context.HttpContext));
            };
        });
        services.AddOptions<RateLimiterOptions>().Configure<ApiRateLimitPolicy>((options, policy) => options.AddPolicy(ApiRateLimitPolicy.Name, policy));
        return builder;
    }

    /// <summary>The rate limiter; the client address it partitions by comes from UseHardening's forwarded headers (Hardening:KnownProxies only).</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
