using Microsoft.Extensions.DependencyInjection.Extensions;
using SkillVerify.Api.Signing;

namespace SkillVerify.Api.Partners;

public static class PartnerExtensions
{
    /// <summary>Batch checks and signed receipts for partners (their keys are authenticated by Security's X-Api-Key scheme).</summary>
    public static IHostApplicationBuilder AddPartners(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, PartnersJson.Default));
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddDocumentTransformer(PartnersApi.DescribeBatchRequest));
        // Receipts are signed with the same keys as offline QR payloads, published once as JWKS.
        builder.AddSigningKeys();
        builder.Services.TryAddSingleton<IReceiptIssuer, JwsReceiptIssuer>();
        return builder;
    }
}
