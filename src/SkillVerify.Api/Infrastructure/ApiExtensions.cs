using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SkillVerify.Data;

namespace SkillVerify.Api.Infrastructure;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApiPlumbing(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ProblemJson.Default);
            // Chinese text stays readable in responses instead of \uXXXX escapes.
            options.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // Liveness is plain text and touches nothing: it is also the load tests' baseline.
        app.MapGet("/health/live", () => TypedResults.Text("Healthy")).WithTags("Health").ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        })
            // GET only: any other method is a 405 problem like everywhere else.
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return app;
    }
}

/// <summary>
/// Readiness: the storage initialized and the database answering. With a read replica
/// (<c>ConnectionStrings:SkillVerifyReadOnly</c>) both sides are asked: the replica alone answering (the primary
/// stopped, a standby being promoted) is <c>Degraded</c> (200: verifications answer, writes answer 503); the read
/// side down is <c>Unhealthy</c> (503), since verifications cannot be answered then.
/// </summary>
public sealed class DatabaseHealthCheck(ISkillVerifyStore store, SqlDialect dialect, StorageReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            // Started with the database down (or not yet initialized): not ready until the background retry succeeds.
            return HealthCheckResult.Unhealthy(readiness.Problem);
        }
        if (!dialect.HasReadReplica)
        {
            return await store.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{store.Provider} reachable")
                : HealthCheckResult.Unhealthy($"{store.Provider} unreachable");
        }
        var primary = store.CanConnectAsync(cancellationToken);
        var replica = store.CanReadAsync(cancellationToken);
        return (await primary, await replica) switch
        {
            (true, true) => HealthCheckResult.Healthy($"{store.Provider} primary and read replica reachable"),
            (false, true) => HealthCheckResult.Degraded($"{store.Provider} read replica reachable, primary unreachable: verifications answer, writes answer 503"),
            (true, false) => HealthCheckResult.Unhealthy($"{store.Provider} read replica unreachable: verifications cannot be answered"),
            _ => HealthCheckResult.Unhealthy($"{store.Provider} primary and read replica unreachable"),
        };
    }
}
