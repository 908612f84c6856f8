using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Caching;

namespace SkillVerify.Api.Verification;

public static class VerificationExtensions
{
    /// <summary>
    /// The verification path: its JSON contracts, the record cache (over the FusionCache set up by <c>AddCaching</c>), the
    /// answer memo, <see cref="VerificationService"/>, and the peer provinces' client (跨区域互认) with timeout, retries and a
    /// circuit breaker per peer.
    /// </summary>
    public static IHostApplicationBuilder AddVerification(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, VerificationJson.Default));
        builder.Services.AddSingleton<RecordCache>();
        builder.Services.AddSingleton(sp => new AnswerMemo(sp.GetRequiredService<IOptions<CacheOptions>>().Value.AnswerMemoEntries));
        builder.Services.AddSingleton<VerificationService>();

        // The validator names each wrong setting; a wrong one stops the service at start.
        builder.Services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>();

        var resilience = builder.Services.AddHttpClient<PeerClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            // One circuit breaker per peer: one province being down does not cut off the others.
            .SelectPipelineByAuthority();
        // Configured from the bound options when the pipeline is first built, so every configuration source counts.
        // (Read unvalidated and clamped: a wrong value is reported once, by FederationOptions' own validation.)
        builder.Services.AddOptions<HttpStandardResilienceOptions>(resilience.PipelineName).Configure<IConfiguration>((o, configuration) =>
        {
            var federation = configuration.GetSection(FederationOptions.Section).Get<FederationOptions>() ?? new FederationOptions();
            var retries = Math.Clamp(federation.Retries, 0, 5);
            var total = TimeSpan.FromSeconds(Math.Clamp(federation.TimeoutSeconds, 0.1, 60));
            // Each attempt gets an equal share of the budget, so retries never push the answer past the total timeout.
            var attempt = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, total.Ticks / (retries + 1)));
            o.TotalRequestTimeout.Timeout = total;
            o.AttemptTimeout.Timeout = attempt;
            o.Retry.MaxRetryAttempts = Math.Max(1, retries);
            o.Retry.ShouldRetryAfterHeader = false;
            o.Retry.Delay = TimeSpan.FromMilliseconds(100);
            o.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
            o.Retry.UseJitter = true;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, attempt.Ticks * 2));
            o.CircuitBreaker.MinimumThroughput = 5;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
        });
        return builder;
    }

    private sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
    {
        public ValidateOptionsResult Validate(string? name, FederationOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
