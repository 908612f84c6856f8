using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Signing;
using SkillVerify.Data;
using SkillVerify.Data.Partners;

namespace SkillVerify.Api.Partners;

public static class PartnerExtensions
{
    public static IHostApplicationBuilder AddPartners(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, PartnersJson.Default));
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddDocumentTransformer(PartnersApi.DescribeBatchRequest));
        services.AddOptions<PartnerOptions>().BindConfiguration(PartnerOptions.Section)
            .Validate(o => o.RefreshSeconds is >= 1 and <= 3600, "Partners:RefreshSeconds (Partners__RefreshSeconds) must be from 1 to 3600.")
            .ValidateOnStart();
        services.AddSingleton(sp => new PartnerKeyStore(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.CommandTimeoutSeconds));
        services.AddSingleton<PartnerKeys>();
        services.AddSingleton<PartnerKeyDirectory>();
        services.AddHostedService<PartnerKeyRefresher>();
        // Receipts are signed with the same keys as offline QR payloads, published once as JWKS.
        builder.AddSigningKeys();
        services.TryAddSingleton<IReceiptIssuer, JwsReceiptIssuer>();
        return builder;
    }

    /// <summary>Loads the partner keys once the schema is in place, before the first request.</summary>
    public static Task InitializePartnersAsync(this WebApplication app) =>
        app.Services.GetRequiredService<PartnerKeyDirectory>().RefreshAsync();
}
