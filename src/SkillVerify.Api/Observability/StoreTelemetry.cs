using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using SkillVerify.Data;

namespace SkillVerify.Api.Observability;

/// <summary>
/// Traces and times every store call (a span <c>db FindCertificate</c> and the histogram
/// <c>skillverify.db.operation.duration</c>) whatever the engine, since SQLite and SQL Server have no
/// instrumentation package here (Npgsql's own spans nest under these). A proxy over the interface, so
/// methods added to <see cref="ISkillVerifyStore"/> later are covered without touching this file. Only the
/// method name and engine are recorded, never an argument (codes, hashes). The reflective call costs far less
/// than the query it wraps, and cached reads never reach it.
/// </summary>
public class StoreTelemetry : DispatchProxy
{
    public const string SourceName = "SkillVerify.Store";

    private static readonly ActivitySource Source = new(SourceName);

    private ISkillVerifyStore inner = null!;
    private Histogram<double> duration = null!;

    public static ISkillVerifyStore Wrap(ISkillVerifyStore inner, IMeterFactory meters)
    {
        var proxy = Create<ISkillVerifyStore, StoreTelemetry>();
        var telemetry = (StoreTelemetry)(object)proxy;
        telemetry.inner = inner;
        telemetry.duration = meters.Create(VerificationMetrics.MeterName).CreateHistogram<double>(
            "skillverify.db.operation.duration", "s", "Store calls by operation, provider and result (ok, error).");
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!typeof(Task).IsAssignableFrom(targetMethod.ReturnType))
        {
            return Call(targetMethod, args);
        }
        var operation = targetMethod.Name.EndsWith("Async", StringComparison.Ordinal) ? targetMethod.Name[..^5] : targetMethod.Name;
        var provider = inner.Provider;
        var parent = Activity.Current;
        var activity = Source.StartActivity("db " + operation, ActivityKind.Client);
        activity?.SetTag("db.system.name", provider);
        activity?.SetTag("db.operation.name", operation);
        var started = Stopwatch.GetTimestamp();
        Task task;
        try
        {
            task = (Task)Call(targetMethod, args)!;
        }
        catch (Exception ex)
        {
            Finish(activity, started, operation, provider, ex);
            throw;
        }
        finally
        {
            // The call's async flow keeps the span as its parent; the caller goes on with its own.
            Activity.Current = parent;
        }
        task.ContinueWith(
            static (t, state) =>
            {
                var (self, activity, started, operation, provider) = ((StoreTelemetry, Activity?, long, string, string))state!;
                self.Finish(activity, started, operation, provider, t.IsFaulted ? t.Exception?.InnerException : t.IsCanceled ? new OperationCanceledException() : null);
            },
            (this, activity, started, operation, provider), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private void Finish(Activity? activity, long started, string operation, string provider, Exception? error)
    {
        var result = error is null ? "ok" : "error";
        duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new("operation", operation), new("provider", provider), new("result", result));
        if (activity is not null)
        {
            if (error is not null)
            {
                // The type only: a driver's message may quote what was sent.
                activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
                activity.SetTag("error.type", error.GetType().FullName);
            }
            activity.Dispose();
        }
    }
}
