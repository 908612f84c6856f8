using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Security;
using SkillVerify.Data.Partners;

namespace SkillVerify.Api.Partners;

/// <summary>
/// Partner keys in the <c>X-Api-Key</c> header: authenticated once per request (the rate limiter and the
/// endpoint filter share the result), refused in URLs, scoped by province, batch and ID-number matching.
/// </summary>
public static class PartnerAccess
{
    public const string Header = "X-Api-Key";

    /// <summary>Query parameter names that would carry a key in a URL (logged, cached, shared): always refused.</summary>
    private static readonly string[] KeyParameters = ["apiKey", "api_key", "api-key", "x-api-key", "key"];

    private sealed class PartnerAuthenticationFeature(PartnerAuthentication result)
    {
        public PartnerAuthentication Result { get; } = result;
    }

    /// <summary>The key in the header checked against the directory, computed once per request.</summary>
    public static PartnerAuthentication GetPartnerAuthentication(this HttpContext context)
    {
        if (context.Features.Get<PartnerAuthenticationFeature>() is { } feature)
        {
            return feature.Result;
        }
        var headers = context.Request.Headers[Header];
        var result = headers.Count switch
        {
            0 => PartnerAuthentication.Missing,
            1 => context.RequestServices.GetRequiredService<PartnerKeyDirectory>().Authenticate(headers[0]),
            _ => PartnerAuthentication.Invalid,
        };
        context.Features.Set(new PartnerAuthenticationFeature(result));
        return result;
    }

    /// <summary>The authenticated partner, or null for an anonymous caller.</summary>
    public static PartnerKey? GetPartner(this HttpContext context) => context.GetPartnerAuthentication().Key;

    public static bool HasKeyInQuery(HttpRequest request)
    {
        foreach (var name in KeyParameters)
        {
            if (request.Query.ContainsKey(name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Anonymous callers welcome; a key, when sent, must be valid (401 otherwise) and never in the URL (400).</summary>
    public static TBuilder AcceptPartnerKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => Check(context.HttpContext, required: false) ?? await next(context));

    /// <summary>A valid partner key is required: 401 without one, 400 for a key in the URL.</summary>
    public static TBuilder RequirePartnerKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => Check(context.HttpContext, required: true) ?? await next(context));

    private static ProblemHttpResult? Check(HttpContext context, bool required)
    {
        if (HasKeyInQuery(context.Request))
        {
            return Problems.BadRequest("auth.key_in_query", "API 密钥不能放在网址中，请使用 X-Api-Key 请求头。", "API keys are refused in URLs; send the key in the X-Api-Key header.");
        }
        var auth = context.GetPartnerAuthentication();
        if (!required && auth.State is not (PartnerKeyState.Valid or PartnerKeyState.Missing)
            && context.RequestServices.GetRequiredService<AdminKeys>().IsValid(context.Request.Headers[Header].ToString()))
        {
            // An admin key on a public endpoint: welcome, with no partner privileges (X-Api-Key carries both kinds).
            return null;
        }
        return auth.State switch
        {
            PartnerKeyState.Valid => null,
            PartnerKeyState.Missing when !required => null,
            PartnerKeyState.Missing => Unauthorized("auth.key_required", "需要合作方 API 密钥（X-Api-Key 请求头）。", "A partner API key is required in the X-Api-Key header."),
            PartnerKeyState.Expired => Unauthorized("auth.key_expired", "该 API 密钥已过期。", "This API key has expired."),
            PartnerKeyState.Revoked => Unauthorized("auth.key_revoked", "该 API 密钥已被吊销。", "This API key has been revoked."),
            _ => Unauthorized("auth.key_invalid", "API 密钥无效。", "The API key is not valid."),
        };
    }

    public static ProblemHttpResult Unauthorized(string code, string zh, string en) =>
        Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized.", code, zh, en, null);

    public static ProblemHttpResult Forbidden(BatchItemError error) =>
        Problems.Create(StatusCodes.Status403Forbidden, "Forbidden.", error.Code, error.MessageZh, error.MessageEn, null);

    public static readonly BatchItemError BatchNotAllowed = new(StatusCodes.Status403Forbidden, "auth.batch_not_allowed",
        "该 API 密钥无权使用批量核验。", "This API key may not use batch verification.");

    /// <summary>
    /// An ID number sent without a partner key. With a known code and name, an ID number's unknown digits are few
    /// enough to guess, so ID-number matching is only for keyed callers whose key allows it (domain.md §6).
    /// </summary>
    public static ProblemHttpResult IdNumberNeedsKey() => Problems.BadRequest("request.id_number_needs_key",
        "匿名核验不能核对身份证件号码：请只提供证书编号和持证人姓名。需要核对身份证件号码的单位请向证书管理机构申请合作方 API 密钥（X-Api-Key 请求头，须有核对身份证件号码的权限）。",
        "Anonymous verification does not match ID numbers: send only the certificate code and the holder's name. Organizations that need ID-number matching can ask the certificate authority for a partner API key (X-Api-Key header) with ID-number matching in its scope.");

    public static readonly BatchItemError IdMatchingNotAllowed = new(StatusCodes.Status403Forbidden, "auth.id_matching_not_allowed",
        "该 API 密钥无权核对身份证件号码。", "This API key may not match ID numbers.");

    public static BatchItemError ProvinceNotAllowed(string province) => new(StatusCodes.Status403Forbidden, "auth.province_not_allowed",
        $"该 API 密钥无权查询省份代码 {province} 的证书。", $"This API key may not query certificates of province {province}.");

    /// <summary>What a partner may not ask about this code and ID number, or null when it may.</summary>
    public static BatchItemError? ScopeError(PartnerKey partner, string? provinceCode, string? idNumber)
    {
        if (provinceCode is not null && !partner.Scope.AllowsProvince(provinceCode))
        {
            return ProvinceNotAllowed(provinceCode);
        }
        if (!string.IsNullOrWhiteSpace(idNumber) && !partner.Scope.IdMatchingAllowed)
        {
            return IdMatchingNotAllowed;
        }
        return null;
    }
}
