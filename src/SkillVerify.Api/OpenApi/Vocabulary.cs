using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace SkillVerify.Api.OpenApi;

/// <summary>
/// What the contracts' types cannot say: the fixed vocabularies of string fields (enums), what the schemas mean in
/// Chinese and English, which request fields are required, and the typed items of a batch. Keyed by schema and
/// property names, so the contract records stay plain; a schema or property named here that the document lacks is
/// skipped (a field another branch has not merged yet), one whose values the service breaks fails the schema tests.
/// </summary>
public static class Vocabulary
{
    private static readonly string[] Outcomes = ["VALID", "INVALID", "NOT_FOUND", "UNKNOWN"];
    private static readonly string[] CheckStatuses = ["pass", "fail", "not_applicable", "unknown"];
    // The certificate checks (Verifier.CheckNames), then those of a presented electronic credential.
    private static readonly string[] CheckNames = ["format", "issuer_level", "issue_year", "issuer_registry", "issuer_status", "issuer_scope", "record", "holder", "revocation", "appointment_term", "review",
        "signing_key", "signature", "disclosures", "required_claims", "expiry", "issuer", "status"];
    private static readonly string[] Standings = ["current", "historical", "not_yet_in_force", "pending_review"];
    private static readonly string[] RegistryStatuses = ["registered", "suspended", "revoked", "withdrawn"];
    private static readonly string[] StatusesOnADay = [.. RegistryStatuses, "not_registered"];
    private static readonly string[] Levels = ["X", "5", "4", "3", "2", "1", "T", "S"];

    /// <summary>(schema, property) → allowed values (null joins them when the property may be null) and a description.</summary>
    private static readonly Dictionary<(string Schema, string Property), (string[]? Values, string? Description)> Properties = new()
    {
        [("VerificationResponse", "outcome")] = (Outcomes, "VALID 有效 · INVALID 无效 · NOT_FOUND 未查到相符的证书，请核对编号和姓名 (no certificate matches this code and these holder details) · UNKNOWN 无法确认 (cannot be confirmed)"),
        [("VerificationResponse", "checks")] = (null, "每一项检查，按固定顺序 · Every check, in a fixed order"),
        [("VerificationResponse", "certificate")] = (null, "证书的公开信息和打码姓名；只在持证人相符时给出 · The certificate's public facts and masked name; only when the holder matched"),
        [("VerificationResponse", "answeredBy")] = (null, "哪个实例回答（跨省转发时）· Which instance answered (when forwarded to another province)"),
        [("CheckDto", "name")] = (CheckNames, "检查项 · The check"),
        [("CheckDto", "status")] = (CheckStatuses, "pass 通过 · fail 不通过 · not_applicable 不适用 · unknown 无法进行 (could not run)"),
        [("CheckDto", "code")] = (null, "稳定的机器代码，如 status.revoked · A stable machine code such as status.revoked"),
        [("CertificateDto", "status")] = (["active", "revoked"], "active 有效记录 · revoked 已撤销"),
        [("CertificateDto", "standing")] = (Standings, "current 现行 · historical 历史称号 (an ended appointment term) · not_yet_in_force 尚未生效 · pending_review 待复核确认 (awaiting review)"),
        [("CertificateDto", "standingSince")] = (null, "称号状态自哪天起（yyyy-MM-dd）· Since when the standing holds (yyyy-MM-dd)"),
        [("CertificateDto", "reviewState")] = (["not_required", "pending", "confirmed", "refused"], "复核确认：not_required 不需要 · pending 待复核确认 · confirmed 已确认 · refused 复核未通过 · Review (复核确认) of senior titles"),
        [("CertificateDto", "obtainedBy")] = (["考核", "以赛代评", "直接认定", "评聘", "复核确认", "转正定级考核"], "取得方式 · How the level was obtained"),
        [("CertificateDto", "issueDate")] = (null, "发证日期 yyyy-MM-dd · Issue date"),
        [("CertificateDto", "holderNameMasked")] = (null, "打码的持证人姓名，如 王*明 · The masked holder name"),
        [("CertificateDto", "idNumberMasked")] = (null, "打码的身份证件号码 · The masked ID number"),
        [("IssuerDto", "currentStatus")] = (StatusesOnADay, "发证机构今天在目录中的状态（not_registered：尚未或不再备案）· The issuer's status on the registry today (not_registered: outside its registration)"),
        [("OrganizationDto", "currentStatus")] = (StatusesOnADay, "今天的状态 · The status today: registered 备案 · suspended 暂停 · revoked 撤销 · withdrawn 退出 · not_registered 不在备案期内"),
        [("StatusEventDto", "status")] = (RegistryStatuses, "registered 备案 · suspended 暂停 · revoked 撤销 · withdrawn 退出"),
        [("StatusEventRequest", "status")] = (RegistryStatuses, "新状态 · The new status: registered 备案 · suspended 暂停 · revoked 撤销 · withdrawn 退出"),
        [("StatusEventDto", "seq")] = (null, "记录顺序号（撤回时引用）· The event's sequence number (named by a correction)"),
        [("StatusEventDto", "retracted")] = (null, "已撤回时：原因和时间；撤回的记录不再计入 · When retracted: why and when; a retracted event no longer counts"),
        [("CorrectionRequest", "seq")] = (null, "要撤回的状态记录序号（见机构的 statusHistory）· The seq of the event to retract (see the organization's statusHistory)"),
        [("CorrectionRequest", "reason")] = (null, "撤回原因 · Why it is retracted"),
        [("StatusEventRequest", "effectiveDate")] = (null, "生效日期 yyyy-MM-dd，不晚于今天 · Effective date, not in the future"),
        [("RevocationRequest", "effectiveDate")] = (null, "撤销生效日期 yyyy-MM-dd，不早于发证日期、不晚于今天 · Effective date, not before the issue date nor in the future"),
        [("RevocationRequest", "reason")] = (null, "撤销原因（最多200字）· Why (at most 200 characters)"),
        [("AdminWriteResponse", "invalidatedEverywhere")] = (null, "所有实例是否已收到失效通知（否：它们在 Cache__LocalSeconds 内跟上）· Whether every instance was told to drop its copy (if not, they catch up within Cache__LocalSeconds)"),
        [("LevelRef", "code")] = (Levels, "等级代码（证书编号第16位）· The level code (position 16 of a code)"),
        [("LevelDto", "code")] = (Levels, "等级代码 · The level code"),
        [("DecodeResponse", "kind")] = (["skillLevel", "legacyQualification"], "skillLevel 职业技能等级证书（22位）· legacyQualification 旧版职业资格证书"),
        [("DecodeResponse", "violations")] = (null, "编号违反的规则（如社评组织不能发 X 级）· The rules the code breaks"),
        [("CodePartsDto", "registeredWith")] = (["province", "ministry"], "在省级还是部级备案 · Registered with a province or the ministry"),
        [("AnsweredByDto", "source")] = (["local", "peer", "no_peer", "peer_unavailable"], "local 本实例 · peer 转发给该省实例 · no_peer 未配置该省实例（只做目录检查）· peer_unavailable 该省实例未及时应答（UNKNOWN）"),
        [("BatchResponse", "receiptStatus")] = (["not_requested", "issued", "unavailable"], "回执：not_requested 未要求 · issued 已签发 · unavailable 本实例未配置签名密钥"),
        [("BatchResponse", "receipt")] = (null, "签名回执（JWS ES256，公钥见 /.well-known/jwks.json）· The signed receipt (JWS ES256; keys at /.well-known/jwks.json)"),
        [("BatchItemResult", "index")] = (null, "该条在请求中的位置（从0起）· The item's position in the request (0-based)"),
        [("BatchItemResult", "result")] = (null, "该条的核验结果（与单条核验相同）· The item's verification answer (as for a single verification)"),
        [("BatchItemResult", "error")] = (null, "该条为何未核验（只影响该条）· Why this item was not verified (it fails alone)"),
        [("BatchItemError", "status")] = (null, "该条单独提交时的 HTTP 状态 · The status the item would have had alone"),
        [("ScanRecognitionDto", "kind")] = (["verificationUrl", "urlWithCode", "code", "signedPayload"], "扫码内容的类别 · What the scan was"),
        [("ScanRecognitionDto", "token")] = (["missing", "valid", "invalid"], "链接中二维码令牌的状态 · The link's QR token"),
        [("ScanRecognitionDto", "signature")] = (["valid", "malformed", "unknown_key", "outside_key_window", "bad_signature"], "签名二维码的签名 · The signed payload's signature"),
        [("ScanRecognitionDto", "disclosure")] = (["authorized", "anonymous"], "authorized：有效令牌或签名允许不输姓名就显示记录 · anonymous otherwise"),
        [("VerificationRequest", "code")] = (null, "证书编号（22位，或旧版16/13位），大小写、全角、空格、连字符均可 · The certificate code as typed (case, full-width, spaces and hyphens are fine)"),
        [("VerificationRequest", "holderName")] = (null, "持证人姓名；不给则结论为 UNKNOWN · The holder's name; without it the outcome is UNKNOWN"),
        [("VerificationRequest", "idNumber")] = (null, "可选：身份证件号码（合作方密钥须有此授权）· Optional: the ID number (a partner key needs the scope)"),
        [("ScanRequest", "payload")] = (null, "扫码读到的文本 · The text the scan read"),
        [("ScanRequest", "holderName")] = (null, "可选：持证人姓名 · Optional: the holder's name"),
        [("JsonWebKeyDto", "kty")] = (["EC"], null),
        [("JsonWebKeyDto", "crv")] = (["P-256"], null),
        [("JsonWebKeyDto", "use")] = (["sig"], null),
        [("JsonWebKeyDto", "alg")] = (["ES256"], null),
        [("JsonWebKeyDto", "nbf")] = (null, "此前的签名不接受（Unix 秒）· Signatures before this are not accepted (Unix seconds)"),
        [("JsonWebKeyDto", "exp")] = (null, "此后的签名不接受（Unix 秒）· Signatures after this are not accepted (Unix seconds)"),
    };

    private static readonly Dictionary<string, string> Schemas = new()
    {
        ["VerificationRequest"] = "核验请求；POST，姓名不进网址 · A verification request; POST, so the name never sits in a URL",
        ["VerificationResponse"] = "核验结果：结论、每一项检查、证书（持证人相符时）和数据新鲜度 · The answer: outcome, every check, the certificate (when the holder matched) and freshness",
        ["CheckDto"] = "一项检查及其中英文说明 · One check with its sentences in Chinese and English",
        ["CertificateDto"] = "证书的公开信息（姓名和证件号打码）· The certificate's public facts (name and ID number masked)",
        ["FreshnessDto"] = "数据新鲜度：目录快照、记录更新时间、是否来自缓存 · How fresh the data is: registry snapshot, record update, from cache",
        ["DecodeResponse"] = "编号解析结果，不查数据 · A decoded code, with no data access",
        ["OrganizationDto"] = "评价机构目录条目 · A registry entry",
        ["OrganizationSearchResponse"] = "目录搜索的一页 · One page of a registry search",
        ["LevelDto"] = "一个等级及其要求（附件）· A level and its requirement text",
        ["BatchRequest"] = "批量核验请求：最多1,000条，每条同单条核验请求 · A batch: up to 1,000 items, each like a single verification request",
        ["BatchResponse"] = "批量结果：每条一个，按请求顺序 · One answer per item, in request order",
        ["BatchItemResult"] = "一条的结果或错误，二者只有其一 · One item's answer or error, never both",
        ["BatchItemError"] = "一条为何未核验 · Why one item was not verified",
        ["ScanRequest"] = "手机扫码读到的内容 · What a phone's camera read",
        ["ScanResponse"] = "扫码内容的识别结果和核验结果 · What the scan was and the verification answer",
        ["JsonWebKeySetDto"] = "JWKS：仍可核对签名的公钥 · The public keys that still verify",
        ["RevocationRequest"] = "撤销证书 · Revoke a certificate",
        ["StatusEventRequest"] = "目录状态变化 · A registry status change",
        ["CorrectionRequest"] = "撤回一条状态记录 · Retract one status event",
        ["AdminWriteResponse"] = "写入了什么，以及是否已通知所有实例 · What was written, and whether every instance was told",
    };

    /// <summary>Request fields a request must carry (the rest are optional); responses always carry every field, null or not.</summary>
    private static readonly Dictionary<string, string[]> RequiredRequestFields = new()
    {
        ["VerificationRequest"] = ["code"],
        ["ScanRequest"] = ["payload"],
        ["RevocationRequest"] = ["reason", "effectiveDate"],
        ["StatusEventRequest"] = ["status", "effectiveDate"],
        ["CorrectionRequest"] = ["seq", "reason"],
        ["BatchRequest"] = ["items"],
    };

    /// <summary>Response fields left out when null (JsonIgnore WhenWritingNull), so not required.</summary>
    private static readonly Dictionary<string, string[]> OmittedWhenNull = new()
    {
        ["JsonWebKeyDto"] = ["nbf", "exp"],
    };

    private static readonly Dictionary<string, string> ParameterDescriptions = new()
    {
        ["code"] = "证书编号，可带空格、连字符、小写或全角 · The certificate code, as typed",
        ["organizationCode"] = "机构代码：证书编号的第1–13位 · The organization code: positions 1–13 of a certificate code",
        ["province"] = "两位省份代码，如 44 · A two-digit province code such as 44",
        ["type"] = "Y 用人单位 · S 社会培训评价组织",
        ["q"] = "名称或代码前缀（最多50字）· Name or code prefix (at most 50 characters)",
        ["occupation"] = "职业编码，如 4-04-05-01 · An occupation code such as 4-04-05-01",
        ["page"] = "页码 1–10000，默认1 · Page 1–10000, default 1",
        ["pageSize"] = "每页条数 1–100，默认20 · Items per page 1–100, default 20",
        ["form"] = "url（默认，带令牌的核验链接）或 signed（可离线核验的签名数据）· url (default: the link with its token) or signed (the offline-verifiable payload)",
        ["scale"] = "每个模块的像素数 2–20，默认8 · Pixels per module 2–20, default 8",
        ["ecc"] = "纠错等级 L、M（默认）、Q、H · Error correction L, M (default), Q, H",
    };

    /// <summary>
    /// Query parameters the handlers read as text (to answer a wrong one with a problem naming it) but that are numbers
    /// or fixed words: the document says what is accepted, so a generated client sends the right type.
    /// </summary>
    public static OpenApiSchema? ParameterSchema(string operationId, string name) => (operationId, name) switch
    {
        ("SearchOrganizations", "page") => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "10000", Default = 1 },
        ("SearchOrganizations", "pageSize") => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100", Default = 20 },
        ("SearchOrganizations", "type") => new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["Y", "S"] },
        ("SearchOrganizations", "province") => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{2}$" },
        ("GetQrPng" or "GetQrSvg", "scale") => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "2", Maximum = "20", Default = 8 },
        ("GetQrPng" or "GetQrSvg", "ecc") => new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["L", "M", "Q", "H"], Default = "M" },
        ("GetQrPng" or "GetQrSvg", "form") => new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["url", "signed"], Default = "url" },
        _ => null,
    };

    public static string? Parameter(string name) => ParameterDescriptions.GetValueOrDefault(name);

    public static void Apply(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        foreach (var (name, required) in RequiredRequestFields)
        {
            if (!schemas.TryGetValue(name, out var s) || s is not OpenApiSchema schema)
            {
                continue;
            }
            schema.Required = new HashSet<string>(required);
            foreach (var field in required)
            {
                // A required request field is a value, not null (a null is answered with a 400 problem).
                if (schema.Properties is not null && schema.Properties.TryGetValue(field, out var fs) && fs is OpenApiSchema f && f.Type is { } type)
                {
                    f.Type = type & ~JsonSchemaType.Null;
                }
            }
        }
        foreach (var ((schemaName, property), (values, description)) in Properties)
        {
            if (!schemas.TryGetValue(schemaName, out var s) || s is not OpenApiSchema schema || schema.Properties is null
                || !schema.Properties.TryGetValue(property, out var p) || p is not OpenApiSchema target)
            {
                continue;
            }
            if (description is not null)
            {
                target.Description = description;
            }
            if (values is not null)
            {
                var nullable = target.Type is { } type && type.HasFlag(JsonSchemaType.Null);
                target.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!), .. nullable ? new JsonNode[] { null! } : []];
            }
        }
        foreach (var (name, description) in Schemas)
        {
            if (schemas.TryGetValue(name, out var s) && s is OpenApiSchema schema)
            {
                schema.Description = description;
            }
        }
        foreach (var (name, omitted) in OmittedWhenNull)
        {
            if (schemas.TryGetValue(name, out var s) && s is OpenApiSchema schema && schema.Required is not null)
            {
                schema.Required.ExceptWith(omitted);
            }
        }
    }
}
