using System.Globalization;

namespace SkillVerify.Api.RateLimiting;

/// <summary>
/// RateLimit-Policy and RateLimit as structured fields (draft-ietf-httpapi-ratelimit-headers): the policy's name, quota
/// and window, and what is left of it and when it resets; Retry-After on a refusal.
/// </summary>
public static class RateLimitHeaders
{
    public static void Write(HttpContext context, string policy, WindowCount count)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        if (count.Acquired && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            // A GET may be stored by the output cache, headers included, and one client's counts must not be replayed to
            // another: write them as the answer starts, after the output cache (registered later, so called earlier) has
            // taken its copy, so a stored answer never holds them and a served one gets this caller's.
            context.Response.OnStarting(static state =>
            {
                var (context, policy, count) = ((HttpContext, string, WindowCount))state;
                Set(context, policy, count);
                return Task.CompletedTask;
            }, (context, policy, count));
            return;
        }
        Set(context, policy, count);
    }

    private static void Set(HttpContext context, string policy, WindowCount count)
    {
        var headers = context.Response.Headers;
        var reset = Math.Max(1, (int)Math.Ceiling(count.ResetAfter.TotalSeconds));
        headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";q={count.Limit};w={(int)RateLimitOptions.Window.TotalSeconds}");
        headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";r={count.Remaining};t={reset}");
        if (!count.Acquired)
        {
            headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
        }
    }
}
