using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Security;

namespace SkillVerify.Api.Partners;

/// <summary>
/// What a partner's key allows beyond its route group's policy: the provinces of the codes it asks about and
/// ID-number matching, both known only once the request (or each batch item) is read.
/// </summary>
public static class PartnerAccess
{
    public const string Header = ApiKeyAuthentication.Header;

    public static ProblemHttpResult Forbidden(BatchItemError error) =>
        Problems.Create(StatusCodes.Status403Forbidden, "Forbidden.", error.Code, error.MessageZh, error.MessageEn, null);

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
    public static BatchItemError? ScopeError(ApiPartner partner, string? provinceCode, string? idNumber)
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
