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
            return new WindowStore(local, shared);
        });
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<WindowStore>();
            return new RequestLimiter(sp.GetRequiredService<IOptions<RateLimitOptions>>(), store.Local, store.Shared);
        });
        // The one guessing budget every channel that tests a holder binding takes from.
        services.AddSingleton<HolderBindingBudget>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static (context, _) => new ValueTask(Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests.", "rate_limit.exceeded",
                "请求过于频繁，请按 Retry-After 所示秒数后再试。", "Too many requests; try again after the number of seconds in Retry-After.", null)
                .ExecuteAsync(context.HttpContext));
        });
        services.AddOptions<RateLimiterOptions>().Configure<RequestLimiter>((options, limiter) => options.GlobalLimiter = limiter);

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
