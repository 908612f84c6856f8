using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SkillVerify.Data;

namespace SkillVerify.Api.Observability;

/// <summary>Settings under <c>Observability</c>.</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="MetricsPath"/> on <see cref="MetricsHost"/>.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// The management host pattern /metrics is served on (RequireHost), e.g. <c>*:9464</c> with Kestrel also listening
    /// on 9464 (ASPNETCORE_HTTP_PORTS=8080;9464) and the load balancer forwarding only 8080. Unset (the default): no
    /// /metrics at all, so the public port shows no counter a caller could read an answer's path from.
    /// </summary>
    public string? MetricsHost { get; set; }

    /// <summary>
    /// Record traces (ASP.NET Core, HttpClient, the store, Npgsql). Off by default unless an exporter is configured
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): spans nobody exports are pure cost on every request.
    /// <c>Observability__Tracing=true</c> turns them on for an in-process listener.
    /// </summary>
    public bool? Tracing { get; set; }
}

/// <summary>Framework log categories whose messages include the request path or request line.</summary>
public static class PathLoggingCategories
{
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";
    public const string KestrelBadRequests = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";
    public const string HttpLogging = "Microsoft.AspNetCore.HttpLogging";
}

public static class ObservabilityExtensions
{
    /// <summary>
    /// OpenTelemetry metrics and traces (ASP.NET Core, HttpClient, the store, Npgsql, the runtime), the Prometheus
    /// exporter, OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, JSON console logs, and the
    /// verification counters and audit records. Call after AddStorage: it wraps the store it registered.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section)
            .Validate(o => o.MetricsPath.StartsWith('/'), "Observability:MetricsPath (Observability__MetricsPath) must start with '/'.")
            .ValidateOnStart();

        // Structured JSON logs unless a formatter is chosen in configuration (Logging__Console__FormatterName=simple).
        // No scopes: ASP.NET Core's request scope carries the request path, and a path can carry a certificate code.
        if (string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = false;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        // The same formatters and settings (Logging:Console), written in batches instead of one write per record.
        builder.Logging.AddConsole();
        foreach (var console in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)).ToList())
        {
            builder.Services.Remove(console);
        }
        builder.Services.AddSingleton<ILoggerProvider, BatchedConsoleLoggerProvider>();

        // Whatever the configured levels, the framework categories that write request lines (and so the codes in
        // paths such as /api/v1/codes/{code}) stay at Warning: these rules come after configuration's and win.
        builder.Logging.AddFilter(PathLoggingCategories.HostingDiagnostics, LogLevel.Warning);
        builder.Logging.AddFilter(PathLoggingCategories.KestrelBadRequests, LogLevel.Warning);
        builder.Logging.AddFilter(PathLoggingCategories.HttpLogging, LogLevel.None);

        builder.Services.AddSingleton<VerificationAudit>();
        builder.Services.AddSingleton<VerificationMetrics>();
        DecorateStore(builder.Services);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "skillverify"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(VerificationMetrics.MeterName, "System.Runtime", "Npgsql", "Microsoft.Extensions.Caching.Hybrid")
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Traces only when someone receives them: spans nobody exports cost every request their CPU.
        if (builder.Configuration.GetValue<bool?>(ObservabilityOptions.Section + ":Tracing") ?? otlp)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o =>
                {
                    // Probes and scrapes would drown the traces that matter.
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/health")
                        && !context.Request.Path.StartsWithSegments(context.RequestServices.GetRequiredService<IOptions<ObservabilityOptions>>().Value.MetricsPath);
                    // Paths carry certificate codes (GET /api/v1/codes/{code}): spans keep the route, not the value.
                    o.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.path", Redaction.Path(request.Path.Value));
                    o.EnrichWithHttpResponse = (activity, response) =>
                    {
                        if (response.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
                        {
                            activity.SetTag("url.path", route);
                        }
                    };
                    o.RecordException = false;
                })
                .AddHttpClientInstrumentation(o => o.RecordException = false)
                .AddSource(StoreTelemetry.SourceName, "Npgsql");
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }
        return builder;
    }

    /// <summary>GET /metrics on the management host only (Observability:MetricsHost): the Prometheus scrape endpoint. Counts only, no personal data.</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        // Raw settings here: validation runs at start and reports a wrong one with its sentence.
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new();
        if (options.PrometheusEnabled && !string.IsNullOrWhiteSpace(options.MetricsHost))
        {
            app.MapPrometheusScrapingEndpoint(options.MetricsPath)
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
                .ExcludeFromDescription()
                .RequireHost(options.MetricsHost);
        }
        return app;
    }

    private static void DecorateStore(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(ISkillVerifyStore) && !d.IsKeyedService);
        if (descriptor is null)
        {
            return;
        }
        services.Remove(descriptor);
        services.Add(ServiceDescriptor.Describe(typeof(ISkillVerifyStore), sp =>
        {
            var inner = descriptor.ImplementationInstance as ISkillVerifyStore
                ?? descriptor.ImplementationFactory?.Invoke(sp) as ISkillVerifyStore
                ?? (ISkillVerifyStore)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
            return StoreTelemetry.Wrap(inner, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        }, descriptor.Lifetime));
    }
}
