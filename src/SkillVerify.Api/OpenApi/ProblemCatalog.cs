namespace SkillVerify.Api.OpenApi;

/// <summary>One problem code: the status it comes with and what it means, in Chinese and English.</summary>
public sealed record ProblemType(string Code, int Status, string MeaningZh, string MeaningEn);

/// <summary>
/// Every problem code the service answers with (and the codes of batch items that fail alone). Each has a stable
/// type URI, <c>/problems/{code}</c>, which serves the page listing them all. The schema-validation tests fail on a
/// problem whose code is not here, so a new code gets its line here with its meaning.
/// </summary>
public static class ProblemCatalog
{
    public static readonly IReadOnlyList<ProblemType> All =
    [
        // Certificate codes (the 1-based position of the first wrong character is in `position`).
        new("code.empty", 400, "未输入证书编号。", "No certificate code was given."),
        new("code.too_long", 400, "输入过长，不可能是证书编号。", "The input is too long to be a certificate code."),
        new("code.control_character", 400, "编号中有不可见的控制字符。", "The code holds an invisible control character."),
        new("code.lookalike_character", 400, "编号中有形似英文字母或数字的其他字符（如全角或西里尔字母）。", "The code holds a character that looks like a Latin letter or digit but is not one."),
        new("code.invalid_character", 400, "编号中有不能出现的字符；编号只含英文字母和阿拉伯数字。", "The code holds a character that cannot appear in it; codes hold only Latin letters and Arabic digits."),
        new("code.length", 400, "编号位数不对：证书编号22位，旧版职业资格证书16位或13位。", "The code has the wrong length: 22 characters (old qualification certificates: 16 or 13 digits)."),
        new("code.body_type", 400, "第1位（评价机构类型）应为 Y 或 S。", "Position 1 (body type) must be Y or S."),
        new("code.body_code", 400, "第2–5位（评价机构代码）应为数字。", "Positions 2–5 (body code) must be digits."),
        new("code.province", 400, "第6–7位（省份代码）应为数字。", "Positions 6–7 (province code) must be digits."),
        new("code.site_serial", 400, "第8–13位（机构或站点序号）应为数字。", "Positions 8–13 (body or site serial) must be digits."),
        new("code.placeholder", 400, "第8–13位是编码规则示例中的占位符 XXXXXX，不是真实编号。", "Positions 8–13 are the worked example's placeholder XXXXXX, not a real code."),
        new("code.year", 400, "第14–15位（发证年份）应为数字。", "Positions 14–15 (issue year) must be digits."),
        new("code.level", 400, "第16位（等级代码）应为 X、5、4、3、2、1、T、S 之一。", "Position 16 (level) must be one of X, 5, 4, 3, 2, 1, T, S."),
        new("code.serial", 400, "第17–22位（证书序号）应为数字。", "Positions 17–22 (serial) must be digits."),
        new("code.invalid_encoding", 400, "网址中的编号不是有效的 UTF-8 文字编码（链接可能被截断或转码错误）。", "The code in the URL is not valid UTF-8 text (the link may have been cut or re-encoded)."),
        new("legacy.digit", 400, "旧版职业资格证书编号只含数字。", "An old qualification certificate number holds digits only."),
        new("legacy.agency_type", 400, "旧版编号中的鉴定机构类型应为0–4。", "The agency type of an old qualification number must be 0–4."),
        new("legacy.level", 400, "旧版编号中的等级应为1–5。", "The level of an old qualification number must be 1–5."),
        new("organization_code.length", 400, "机构代码应为13位（证书编号的第1–13位）。", "An organization code has 13 characters (positions 1–13 of a certificate code)."),
        new("organization_code.digit", 400, "机构代码的第2–7位应为数字。", "Positions 2–7 of an organization code must be digits."),

        // Requests.
        new("request.code_required", 400, "请求中缺少证书编号（code）。", "The request has no certificate code (code)."),
        new("request.code_too_long", 400, "证书编号（code）过长。", "The certificate code (code) is too long."),
        new("request.holder_name_too_long", 400, "持证人姓名（holderName）过长。", "The holder name (holderName) is too long."),
        new("request.id_number_too_long", 400, "身份证件号码（idNumber）过长。", "The ID number (idNumber) is too long."),
        new("request.empty", 400, "请求体为空。", "The request body is empty."),
        new("request.invalid_json", 400, "请求体不是有效的 JSON，或字段类型不对。", "The request body is not valid JSON, or a field has the wrong type."),
        new("request.content_type", 415, "请求体须为 JSON（Content-Type: application/json）。", "The request body must be JSON (Content-Type: application/json)."),
        new("request.too_large", 413, "请求体超过该接口的上限。", "The request body is larger than this operation accepts."),
        new("request.items_required", 400, "批量请求中缺少 items 数组。", "The batch request has no items array."),
        new("request.items_empty", 400, "items 数组为空。", "The items array is empty."),
        new("request.invalid_item", 400, "批量中的某一条不是有效的核验请求（只影响该条）。", "One batch item is not a valid verification request (only that item fails)."),
        new("request.reason_required", 400, "请填写原因（reason）。", "A reason (reason) is required."),
        new("request.reason_too_long", 400, "原因（reason）过长。", "The reason (reason) is too long."),
        new("request.reason_invalid_character", 400, "原因（reason）中含有控制字符或不可见字符。", "The reason (reason) contains a control or invisible character."),
        new("request.effective_date_required", 400, "请填写生效日期（effectiveDate）。", "An effective date (effectiveDate) is required."),
        new("request.effective_date", 400, "生效日期（effectiveDate）应为 yyyy-MM-dd。", "The effective date (effectiveDate) must be yyyy-MM-dd."),
        new("request.effective_date_future", 400, "生效日期不能晚于今天。", "The effective date cannot be in the future."),
        new("request.effective_date_before_issue", 400, "撤销生效日期不能早于发证日期。", "A revocation cannot take effect before the issue date."),
        new("request.seq_required", 400, "请填写要撤回的状态记录序号（seq）。", "The sequence number (seq) of the status event to retract is required."),
        new("request.id_number_needs_key", 400, "核对身份证件号码需要有权限的合作方 API 密钥；匿名请求请只提供姓名。", "Matching ID numbers needs a partner API key that allows it; anonymous requests give the name only."),
        new("request.status", 400, "状态（status）应为 registered、suspended、revoked 或 withdrawn。", "The status must be registered, suspended, revoked or withdrawn."),
        new("query.province", 400, "参数 province 应为两位省份代码。", "The province parameter must be a two-digit province code."),
        new("query.type", 400, "参数 type 应为 Y 或 S。", "The type parameter must be Y or S."),
        new("query.q", 400, "参数 q 过长。", "The q parameter is too long."),
        new("query.occupation", 400, "参数 occupation 应为职业编码，如 4-04-05-01。", "The occupation parameter must be an occupation code such as 4-04-05-01."),
        new("query.page", 400, "参数 page 超出范围。", "The page parameter is out of range."),
        new("query.page_size", 400, "参数 pageSize 超出范围（1–100）。", "The pageSize parameter is out of range (1–100)."),
        new("scan.payload_required", 400, "请求中缺少扫码内容（payload）。", "The request has no scanned content (payload)."),
        new("scan.payload_too_long", 400, "扫码内容过长。", "The scanned content is too long."),
        new("scan.no_code", 400, "链接中没有证书编号。", "The link holds no certificate code."),
        new("scan.signed_payload_malformed", 400, "签名二维码数据已损坏或被篡改。", "The signed QR payload is damaged or altered."),
        new("scan.unrecognized", 400, "无法识别扫码内容。", "The scanned content is not recognized."),
        new("qr.scale", 400, "参数 scale 超出范围。", "The scale parameter is out of range."),
        new("qr.ecc", 400, "参数 ecc 应为 L、M、Q 或 H。", "The ecc parameter must be L, M, Q or H."),
        new("qr.form", 400, "参数 form 应为 url 或 signed。", "The form parameter must be url or signed."),
        new("qr.legacy_code", 400, "二维码只为职业技能等级证书生成。", "QR codes are issued for skill-level certificates only."),
        new("qr.too_long", 400, "内容过长，无法按该纠错等级生成二维码。", "The content is too long for a QR code at this error correction level."),
        new("admin.legacy_code", 400, "只能撤销职业技能等级证书（22位编号）。", "Only skill-level certificates (22-character codes) can be revoked."),

        // Electronic credentials (SD-JWT VC).
        new("credential.legacy_code", 400, "电子证书只为职业技能等级证书签发。", "Electronic credentials are issued for skill-level certificates only."),
        new("credential.required", 400, "请求中缺少电子证书（credential）。", "The request has no credential (credential)."),
        new("credential.too_long", 400, "电子证书过长。", "The credential is too long."),
        new("credential.required_claims", 400, "requiredClaims 只能列出可选择披露的项目。", "requiredClaims may list only selectively disclosable claims."),
        new("credential.token_required", 403, "下载电子证书需要证书二维码中的令牌或发证机构的密钥。", "Downloading a credential needs the token from the certificate's QR code or an issuing body's key."),
        new("credential.certificate_not_valid", 409, "证书当前不是有效状态，不能签发电子证书。", "The certificate is not valid now, so no credential is issued."),
        new("status_list.unavailable", 503, "状态列表暂时无法生成。", "The status list cannot be produced right now."),
        new("credential.not_configured", 503, "本实例未配置签发电子证书所需的密钥。", "This instance has no key configured for credentials."),

        // Receipts and reports.
        new("receipt.required", 400, "请求中缺少回执（receipt）。", "The request has no receipt (receipt)."),
        new("receipt.too_long", 400, "回执过长。", "The receipt is too long."),
        new("report.fonts_missing", 503, "服务器缺少生成 PDF 报告所需的字体。", "The server lacks the fonts the PDF report needs."),

        // Keys and scopes (X-Api-Key).
        new("auth.key_in_query", 400, "API 密钥不能放在网址中，请使用 X-Api-Key 请求头。", "API keys are refused in URLs; send the key in the X-Api-Key header."),
        new("auth.key_required", 401, "需要合作方 API 密钥。", "A partner API key is required."),
        new("auth.key_invalid", 401, "API 密钥无效。", "The API key is not valid."),
        new("auth.key_expired", 401, "API 密钥已过期。", "The API key has expired."),
        new("auth.key_revoked", 401, "API 密钥已被吊销。", "The API key has been revoked."),
        new("auth.admin_key_required", 401, "需要有效的管理员 API 密钥。", "A valid admin API key is required."),
        new("auth.batch_not_allowed", 403, "该 API 密钥无权使用批量核验。", "This API key may not use batch verification."),
        new("auth.id_matching_not_allowed", 403, "该 API 密钥无权核对身份证件号码。", "This API key may not match ID numbers."),
        new("auth.province_not_allowed", 403, "该 API 密钥无权查询该省份的证书。", "This API key may not query certificates of this province."),

        // Records.
        new("certificate.not_found", 404, "本库中没有该编号的证书（仅管理和二维码接口会这样回答，核验接口不会）。", "No certificate with this code is held (only admin and QR operations say so; verification never does)."),
        new("organization.not_found", 404, "评价机构目录中没有该机构。", "No body with this organization code is on the registry."),
        new("status_event.not_found", 404, "该机构没有这个序号的状态记录。", "The organization has no status event with this number."),
        new("status_event.already_retracted", 409, "该状态记录已撤回。", "This status event has already been retracted."),
        new("qr.certificate_not_valid", 409, "证书当前不是有效状态，不能生成签名二维码。", "The certificate is not valid now, so no signed QR is issued for it."),

        // Limits.
        new("batch.too_many_items", 413, "一次批量核验最多1,000条；未核验任何一条。", "A batch holds at most 1,000 items; nothing was verified."),
        new("rate_limit.holder_checks", 429, "核对持证人信息的次数已达本地址（或本密钥）每分钟的上限，请按 Retry-After 所示秒数后再试。", "This address (or key) has used up its holder checks for the minute; try again after the seconds in Retry-After."),
        new("rate_limit.certificate_checks", 429, "该证书近期未通过的持证人核对次数已达上限；可凭证书二维码或合作方密钥核验。", "This certificate has had too many failed holder checks lately; its QR code or a partner key still verifies it."),
        new("rate_limit.exceeded", 429, "请求过于频繁，请按 Retry-After 所示秒数后再试。", "Too many requests; try again after the seconds in Retry-After."),
        new("rate_limit.batch_exceeds_quota", 429, "本批条数超过该 API 密钥每分钟的配额，请拆分。", "The batch is larger than the key's quota per minute; split it."),

        // HTTP and the service.
        new("http.bad_request", 400, "请求格式不正确。", "The request is malformed."),
        new("http.not_found", 404, "没有这个地址。", "There is nothing at this address."),
        new("http.method_not_allowed", 405, "此地址不支持该请求方法。", "This address does not accept this request method."),
        new("http.payload_too_large", 413, "请求体超过服务的上限。", "The request body is larger than the service accepts."),
        new("http.uri_too_long", 414, "请求地址过长。", "The request URL is too long."),
        new("http.unsupported_media_type", 415, "请求体的媒体类型不受支持。", "The request body's media type is not supported."),
        new("http.too_many_requests", 429, "请求过于频繁。", "Too many requests."),
        new("service.unavailable", 503, "数据源暂时不可用，请按 Retry-After 所示秒数后重试。", "The data source is unavailable; try again after the seconds in Retry-After."),
        new("qr.not_configured", 503, "本实例未配置二维码所需的密钥。", "This instance has no key configured for QR codes."),
        new("server.error", 500, "服务内部错误（不应出现，请报告 traceId）。", "An internal error (it should not happen: report the traceId)."),
    ];

    private static readonly Dictionary<string, ProblemType> ByCode = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    public static ProblemType? Find(string code) => ByCode.GetValueOrDefault(code);
}
