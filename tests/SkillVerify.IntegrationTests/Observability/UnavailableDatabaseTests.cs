using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Observability;
using SkillVerify.Data;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Observability;

public class UnavailableDatabaseTests
{
    [Fact]
    public async Task ADatabaseOutageIsA503CountedAndAuditedAsUnavailable()
    {
        using var factory = new BreakableStoreFactory();
        var client = factory.CreateClient();
        factory.Down = true;

        using var response = await client.PostJsonAsync("/api/v1/verifications", new { code = "Y000044030006233000123", holderName = "王小明" });
        factory.Down = false;
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.True(ObservabilityTests.Sample(metrics, "skillverify_verifications_total", "channel=\"api\"", "outcome=\"UNAVAILABLE\"") >= 1);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("skillverify_db_operation_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("result=\"error\""));
        var audit = Assert.Single(factory.Logs.Entries, e => e.Category == VerificationAudit.Category);
        Assert.Equal("UNAVAILABLE", audit.State.Single(kv => kv.Key == "Outcome").Value);
        ObservabilityTests.AssertNoPersonalData(string.Join("\n", factory.Logs.Lines));
    }

    /// <summary>The service over a store that can be switched off: every call then fails as a dropped connection does.</summary>
    private sealed class BreakableStoreFactory() : SkillVerifyFactory(ObservabilityTests.MetricsOnTestHost)
    {
        public volatile bool Down;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var registered = services.Last(d => d.ServiceType == typeof(ISkillVerifyStore));
                services.Remove(registered);
                // Broken beneath a telemetry layer, so the store metrics see the failures as the real driver's would show.
                services.AddSingleton(sp => StoreTelemetry.Wrap(
                    Breakable.Wrap((ISkillVerifyStore)registered.ImplementationFactory!(sp), this),
                    sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
            });
        }
    }

    public class Breakable : DispatchProxy
    {
        private ISkillVerifyStore inner = null!;
        private BreakableStoreFactory owner = null!;

        internal static ISkillVerifyStore Wrap(ISkillVerifyStore inner, object owner)
        {
            var proxy = Create<ISkillVerifyStore, Breakable>();
            ((Breakable)(object)proxy).inner = inner;
            ((Breakable)(object)proxy).owner = (BreakableStoreFactory)owner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (owner.Down && typeof(Task).IsAssignableFrom(targetMethod!.ReturnType))
            {
                throw new Microsoft.Data.Sqlite.SqliteException("unable to open database file", 14);
            }
            try
            {
                return targetMethod!.Invoke(inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
