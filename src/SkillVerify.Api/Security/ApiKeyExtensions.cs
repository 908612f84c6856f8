using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SkillVerify.Data;
using SkillVerify.Data.Partners;

namespace SkillVerify.Api.Security;

public static class ApiKeyExtensions
{
    /// <summary>
    /// <c>X-Api-Key</c>: admin and issuing-body keys from settings, partner keys from the database (re-read every
    /// <c>Partners:RefreshSeconds</c>), one authentication scheme for both, the policies route groups require, and the
    /// problem answers for refusals.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.ApiKeys.All(k => string.IsNullOrEmpty(k) || k.Length >= 32),
                "Admin:ApiKeys (Admin__ApiKeys__0, …) must each be at least 32 characters.")
            .ValidateOnStart();
        services.AddSingleton<AdminKeys>();

        services.AddOptions<PartnerOptions>().BindConfiguration(PartnerOptions.Section)
            .Validate(o => o.RefreshSeconds is >= 1 and <= 3600, "Partners:RefreshSeconds (Partners__RefreshSeconds) must be from 1 to 3600.")
            .ValidateOnStart();
        services.AddSingleton(sp => new PartnerKeyStore(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.CommandTimeoutSeconds));
        services.AddSingleton<PartnerKeys>();
        services.AddSingleton<PartnerKeyDirectory>();
        services.AddHostedService<PartnerKeyRefresher>();

        // The framework logs every failed authentication at Information: a flood of forged keys must not become a flood of log lines.
        builder.Logging.AddFilter(typeof(ApiKeyAuthentication).FullName, LogLevel.Warning);
        services.AddAuthentication(ApiKeyAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(ApiKeyPolicies.Add);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiKeyAnswers>();
        foreach (var description in ApiKeyPolicies.Descriptions)
        {
            services.AddSingleton(description);
        }
        return builder;
    }

    /// <summary>Loads the partner keys once the schema is in place, before the first request.</summary>
    public static Task InitializeApiKeysAsync(this WebApplication app) =>
        app.Services.GetRequiredService<PartnerKeyDirectory>().RefreshAsync();
}
