using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace SkillVerify.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, built by Microsoft.AspNetCore.OpenApi from the endpoints and their
/// metadata, then completed by the transformers here with what metadata cannot say: the X-Api-Key scheme, the answers
/// every operation shares (problems, 413/415 for bodies, 429 and the RateLimit headers), the vocabularies (enums),
/// examples from the demo data and the words in Chinese and English. <c>/docs</c> shows it with Scalar.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";
    public const string SecuritySchemeName = "ApiKey";
    public const string ProblemSchema = "Problem";
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>The order an integrator needs them in: verify and decode, the registry, batches; signing keys last.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> Tags =
    [
        ("Verification", "核验与解码：给出证书编号（和持证人姓名），得到 VALID / INVALID / NOT_FOUND / UNKNOWN 及每一项检查；解码只解析编号本身，不查数据。\n\nVerify and decode: send a certificate code (and the holder's name) and get VALID / INVALID / NOT_FOUND / UNKNOWN with every check; decoding reads the code alone, with no data access."),
        ("Registry", "评价机构目录与等级：按发证日期核对发证机构所依据的目录，以及八个等级的要求。\n\nThe registry of assessment organizations that issuers are checked against (as it stood on the issue date), and the eight levels."),
        ("Partners", "合作方（其他省份、人力资源系统）：凭合作方密钥批量核验，最多1,000条，可附签名回执。\n\nPartners (other provinces, HR systems): batch verification with a partner key, up to 1,000 items, with an optional signed receipt."),
        ("QR codes", "二维码：证书上印的二维码（管理员或发证机构密钥），以及手机扫码后提交的内容。\n\nQR codes: the QR printed on a certificate (admin or issuing-body key), and what a phone's scan read."),
        ("Admin", "管理写入（管理员密钥）：撤销证书、登记机构状态变化；所有实例在一秒内看到。\n\nAdmin writes (admin key): revoke a certificate, record a registry status change; every instance sees it within a second."),
        ("Receipts", "回执核对：核验报告、表格核验和合作方批量核验所附的签名回执，任何人都可核对其真实、未被改动。\n\nReceipts: anyone can check that the signed receipt of a verification report, a spreadsheet check or a partner batch is genuine and unchanged."),
        ("Electronic credentials", "电子证书（SD-JWT VC）：持证人下载可选择披露的电子证书，境外核验方核对签名、披露项和状态列表。\n\nElectronic credentials (SD-JWT VC): the holder downloads a selectively disclosable credential; a verifier abroad checks its signature, disclosures and status list."),
        ("Signing", "签名公钥（JWKS）：用于核对离线二维码和合作方回执的签名。\n\nSigning keys (JWKS): the public keys that check offline QR payloads and partner receipts."),
    ];

    private static readonly Lazy<JsonObject> Examples = new(() =>
    {
        using var stream = typeof(ApiDocument).Assembly.GetManifestResourceStream("SkillVerify.Api.OpenApi.examples.json")
            ?? throw new InvalidOperationException("The embedded OpenApi/examples.json is missing.");
        return JsonNode.Parse(stream)!.AsObject();
    });

    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder)
    {
        // Integers are integers in the schemas (the web defaults would also accept them as strings, typed integer|string).
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddOperationTransformer(TransformOperation);
            options.AddDocumentTransformer(TransformDocument);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        // One fixed document path: a document-name parameter would echo any input back in a plain-text 404.
        app.MapOpenApi(Path);
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("技能等级证书核验 API · SkillVerify API")
            .WithOpenApiRoutePattern(Path)
            // No outside fonts, no "Ask AI", "Deploy", "Generate SDK" or developer-tools buttons: the page is for integrators.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideClientButton()
            .HideDeveloperTools()
            .WithDotNetFlag(false)
            .HideDarkModeToggle()
            .ForceLightMode()
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
            .AddPreferredSecuritySchemes(SecuritySchemeName)
            .AddApiKeyAuthentication(SecuritySchemeName, key => key.Name = "X-Api-Key"));
        app.MapProblemPages();
        return app;
    }

    private static Task TransformOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (context.Description.RelativePath ?? "");
        operation.Responses ??= [];
        var responses = operation.Responses;
        if (operation.RequestBody is not null)
        {
            // Every JSON body is read by the same reader: bad JSON, too large, not JSON.
            responses.TryAdd("400", new OpenApiResponse());
            responses.TryAdd("413", new OpenApiResponse());
            responses.TryAdd("415", new OpenApiResponse());
        }
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        if (context.ApplicationServices.GetServices<ApiKeyMetadata>().LastOrDefault(k => policies.Contains(k.Policy)) is { } key)
        {
            var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] };
            // An optional key: anonymous callers are welcome too (the empty requirement).
            operation.Security = key.Required ? [requirement] : [new OpenApiSecurityRequirement(), requirement];
            responses.TryAdd("400", new OpenApiResponse());
            responses.TryAdd("401", new OpenApiResponse());
            operation.Description = $"{operation.Description}\n\n需要 X-Api-Key：{key.WhoZh}。 X-Api-Key: {key.WhoEn}.".Trim();
        }
        else
        {
            operation.Security = [];
        }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // The rate limiter counts every request under /api.
            responses.TryAdd("429", new OpenApiResponse());
        }
        // UseHardening refuses an overlong URL before any endpoint.
        responses.TryAdd("414", new OpenApiResponse());
        // Produces(status, contentType: "image/png") without a type: the framework leaves the content out; binary it is.
        foreach (var produces in metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m.Type is null || m.Type == typeof(void)))
        {
            var status = produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (produces.StatusCode < 400 && responses.TryGetValue(status, out var existing) && existing is OpenApiResponse r)
            {
                r.Content ??= new Dictionary<string, OpenApiMediaType>();
                foreach (var contentType in produces.ContentTypes)
                {
                    r.Content.TryAdd(contentType, new OpenApiMediaType());
                }
            }
        }
        return Task.CompletedTask;
    }

    private static Task TransformDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "技能等级证书核验 API · SkillVerify API",
            Version = "1.0.0",
            Summary = "职业技能等级证书（人社部发〔2022〕14号）的公开核验接口 · Public verification of China's skill-level certificates",
            Description = Introduction,
            Contact = new OpenApiContact { Name = "SkillVerify 接入支持 · integration support" },
            License = new OpenApiLicense { Name = "CC BY 4.0 (this API description)", Url = new Uri("https://creativecommons.org/licenses/by/4.0/") },
        };
        // The origin the document was asked from, without the trailing slash linters object to.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
            server.Description = "本服务 · this service";
        }
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));

        document.Components ??= new OpenApiComponents();
        var components = document.Components;
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "API 密钥放在 X-Api-Key 请求头中（放在网址中会被拒绝）。合作方密钥由运营方签发；管理员和发证机构密钥用于管理写入和二维码。演示实例的管理员密钥为 demo-admin-key-not-for-production。\n\n" +
                "The API key goes in the X-Api-Key header (a key in the URL is refused). Partner keys are issued by the operator; admin and issuing-body keys are for admin writes and QR codes. The demo instance's admin key is demo-admin-key-not-for-production.",
        };
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas.Remove("ProblemDetails");
        components.Schemas.Remove("HttpValidationProblemDetails");
        components.Schemas.Remove("JsonElement");
        components.Schemas[ProblemSchema] = Problem();
        Vocabulary.Apply(document);
        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in Headers())
        {
            components.Headers[name] = header;
        }

        var examples = Examples.Value;
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var example = operation.OperationId is { } id ? examples[id]?.AsObject() : null;
                CompleteOperation(document, path, operation, example);
            }
        }
        // Paths in the order an integrator reads them (the tags group them; this orders within a tag).
        var ordered = document.Paths.OrderBy(p => PathRank(p.Key)).ToList();
        document.Paths.Clear();
        foreach (var (path, item) in ordered)
        {
            document.Paths.Add(path, item);
        }
        return Task.CompletedTask;
    }

    private static int PathRank(string path) => path switch
    {
        "/api/v1/verifications" => 0,
        "/api/v1/codes/{code}" => 1,
        _ when path.StartsWith("/api/v1/organizations", StringComparison.Ordinal) => 2,
        "/api/v1/levels" => 3,
        "/api/v1/verifications/batch" => 4,
        _ when path.StartsWith("/api/v1/certificates", StringComparison.Ordinal) => 5,
        "/api/v1/scans" => 6,
        _ when path.StartsWith("/api/v1/admin", StringComparison.Ordinal) => 7,
        _ => 8,
    };

    private static void CompleteOperation(OpenApiDocument document, string path, OpenApiOperation operation, JsonObject? example)
    {
        if (operation.Summary is { } summary && summary.Contains(" · ", StringComparison.Ordinal) && string.IsNullOrEmpty(operation.Description))
        {
            operation.Description = summary;
        }
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter p && example?["parameters"]?[p.Name!] is { } value)
            {
                p.Example = value.DeepClone();
            }
            if (parameter is OpenApiParameter q && Vocabulary.Parameter(q.Name!) is { } description)
            {
                q.Description = description;
            }
            if (parameter is OpenApiParameter t && Vocabulary.ParameterSchema(operation.OperationId ?? "", t.Name!) is { } schema)
            {
                t.Schema = schema;
            }
        }
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Description ??= "JSON 请求体 · The JSON request body";
            body.Required = true;
            if (body.Content is not null && body.Content.TryGetValue("application/json", out var media))
            {
                media.Examples = RequestExamples(example);
            }
        }
        var limited = path.StartsWith("/api/", StringComparison.Ordinal);
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse r)
            {
                continue;
            }
            var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            r.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (limited)
            {
                r.Headers["RateLimit-Policy"] = new OpenApiHeaderReference("RateLimit-Policy", document);
                r.Headers["RateLimit"] = new OpenApiHeaderReference("RateLimit", document);
            }
            if (code >= 400)
            {
                r.Description = StatusText(code);
                r.Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemMediaType] = new()
                    {
                        Schema = new OpenApiSchemaReference(ProblemSchema, document),
                        Examples = ProblemExamples(code, example?["problems"]?[status]?.AsArray(), RecordedExamples(example, status)),
                    },
                };
                if (code == 429)
                {
                    r.Headers["Retry-After"] = new OpenApiHeaderReference("Retry-After", document);
                }
                if (code == 401)
                {
                    r.Headers["WWW-Authenticate"] = new OpenApiHeaderReference("WWW-Authenticate", document);
                }
                if (code == 503)
                {
                    r.Headers["Retry-After"] = new OpenApiHeaderReference("Retry-After", document);
                }
                continue;
            }
            r.Description = example?["descriptions"]?[status]?.GetValue<string>() ?? StatusText(code);
            foreach (var (mediaType, media) in r.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (mediaType.StartsWith("image/", StringComparison.Ordinal))
                {
                    media.Schema = mediaType == "image/svg+xml"
                        ? new OpenApiSchema { Type = JsonSchemaType.String, Description = "SVG 图片 · The SVG image" }
                        : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "PNG 图片 · The PNG image" };
                    r.Headers["X-Qr-Payload"] = new OpenApiHeaderReference("X-Qr-Payload", document);
                    continue;
                }
                media.Examples = RecordedExamples(example, status);
            }
        }
        foreach (var section in new[] { example?["problems"], example?["responses"] })
        {
            foreach (var (status, _) in section as JsonObject ?? [])
            {
                if (operation.Responses is not null && !operation.Responses.ContainsKey(status))
                {
                    throw new InvalidOperationException($"OpenApi/examples.json gives {operation.OperationId} a {status} example the operation does not declare.");
                }
            }
        }
    }

    /// <summary>
    /// The bodies of the operation's example calls that were answered with success (OpenApi/examples.json: each call is
    /// sent to the demo service by OpenApiExamplesTests, which records or checks its answer under its status).
    /// </summary>
    private static Dictionary<string, IOpenApiExample>? RequestExamples(JsonObject? example)
    {
        if (example?["calls"] is not JsonObject calls || example["responses"] is not JsonObject responses)
        {
            return null;
        }
        var succeeded = responses.Where(r => r.Key.StartsWith('2')).SelectMany(r => r.Value!.AsObject().Select(e => e.Key)).ToHashSet();
        var examples = new Dictionary<string, IOpenApiExample>();
        foreach (var (name, call) in calls)
        {
            if (call!["body"] is { } body && succeeded.Contains(name))
            {
                examples[name] = new OpenApiExample { Summary = call["summary"]?.GetValue<string>(), Value = body.DeepClone() };
            }
        }
        return examples.Count > 0 ? examples : null;
    }

    /// <summary>The recorded answers of the operation's example calls with this status.</summary>
    private static Dictionary<string, IOpenApiExample>? RecordedExamples(JsonObject? example, string status)
    {
        if (example?["responses"]?[status] is not JsonObject recorded)
        {
            return null;
        }
        var examples = new Dictionary<string, IOpenApiExample>();
        foreach (var (name, value) in recorded)
        {
            examples[name] = new OpenApiExample { Summary = example["calls"]?[name]?["summary"]?.GetValue<string>(), Value = value?.DeepClone() };
        }
        return examples;
    }

    /// <summary>A problem example per code the operation is known to answer with that status, else the first code of the catalog with that status.</summary>
    private static Dictionary<string, IOpenApiExample> ProblemExamples(int status, JsonArray? codes, Dictionary<string, IOpenApiExample>? recorded)
    {
        var chosen = codes?.Select(c => ProblemCatalog.Find(c!.GetValue<string>()) ?? throw new InvalidOperationException($"OpenApi/examples.json names an unknown problem code {c}."))
            .ToList() is { Count: > 0 } listed
            ? listed
            : recorded is null ? ProblemCatalog.All.Where(p => p.Status == status).Take(1).ToList() : [];
        var examples = recorded ?? new Dictionary<string, IOpenApiExample>();
        foreach (var p in chosen)
        {
            examples[p.Code] = new OpenApiExample
            {
                Summary = p.MeaningZh + " " + p.MeaningEn,
                Value = new JsonObject
                {
                    ["type"] = Infrastructure.Problems.TypeUri(p.Code),
                    ["title"] = StatusTitle(p.Status),
                    ["status"] = p.Status,
                    ["detail"] = p.MeaningEn,
                    ["code"] = p.Code,
                    ["messageZh"] = p.MeaningZh,
                    ["messageEn"] = p.MeaningEn,
                    ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                },
            };
            if (p.Code.StartsWith("code.", StringComparison.Ordinal) && examples[p.Code] is OpenApiExample e && e.Value is JsonObject o)
            {
                o["position"] = p.Code == "code.level" ? 16 : 1;
            }
        }
        return examples;
    }

    private static string StatusTitle(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Unauthorized.",
        403 => "Forbidden.",
        404 => "Not found.",
        409 => "Conflict.",
        413 => "Payload too large.",
        414 => "URI too long.",
        415 => "Unsupported media type.",
        429 => "Too many requests.",
        503 => "Service unavailable.",
        _ => "Error.",
    };

    private static string StatusText(int status) => status switch
    {
        200 => "成功 · OK",
        400 => "请求不正确（问题详情说明哪一项、第几位）· The request is not valid (the problem says which field or position)",
        401 => "缺少或无效的 API 密钥 · The API key is missing or not valid",
        403 => "该密钥无权这样做 · This key may not do this",
        404 => "没有这条记录 · No such record",
        409 => "当前状态不允许 · Not allowed in the record's current state",
        413 => "请求体或条数过多 · The body or the batch is too large",
        414 => "网址过长 · The URL is too long",
        415 => "请求体须为 JSON · The body must be JSON",
        429 => "请求过于频繁，见 Retry-After 与 RateLimit · Too many requests: see Retry-After and RateLimit",
        503 => "数据源暂时不可用，见 Retry-After · The data source is unavailable: see Retry-After",
        _ => "HTTP " + status,
    };

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 问题详情，带稳定代码和中英文说明 · An RFC 9457 problem with a stable code and sentences in Chinese and English",
        Required = new HashSet<string> { "type", "title", "status", "detail", "code", "messageZh", "messageEn", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "/problems/{code}：列出全部代码的页面 · the page that lists every code", Examples = ["/problems/code.level"] },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "问题类别（英文）· The kind of problem (English)" },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599", Description = "HTTP 状态码 · The HTTP status" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "本次原因（英文，同 messageEn）· What was wrong this time (as messageEn)" },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "出问题的地址 · The address that answered" },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[a-z_]+(\\.[a-z_]+)+$", Description = "稳定的机器代码，见 /problems · The stable machine code, see /problems", Examples = ["code.level"] },
            ["messageZh"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "中文说明 · The sentence in Chinese" },
            ["messageEn"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "英文说明 · The sentence in English" },
            ["position"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Description = "证书编号中第一个出错字符的位置（从1起；0 表示没有输入）· The 1-based position of the first wrong character of a code (0: nothing was given)" },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "报告问题时请附上 · Quote it when reporting a problem" },
        },
    };

    private static IEnumerable<(string, OpenApiHeader)> Headers()
    {
        yield return ("RateLimit-Policy", new OpenApiHeader
        {
            Description = "配额（IETF RateLimit 草案的结构化字段）：策略名、q 每个窗口的请求数、w 窗口秒数。匿名调用按来源地址计，合作方按密钥计；只在启用限流时出现。\n\n" +
                "The quota (structured field of the IETF RateLimit draft): policy name, q requests per window, w window in seconds. Anonymous callers count by address, partners by key; present when rate limiting is on.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Examples = ["\"anonymous\";q=120;w=60"] },
        });
        yield return ("RateLimit", new OpenApiHeader
        {
            Description = "本窗口剩余（结构化字段）：r 剩余请求数，t 距窗口重置的秒数 · What is left in this window (structured field): r requests remaining, t seconds until the window resets",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Examples = ["\"anonymous\";r=119;t=42"] },
        });
        yield return ("Retry-After", new OpenApiHeader
        {
            Description = "多少秒后再试 · Seconds to wait before trying again",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Examples = [42] },
        });
        yield return ("WWW-Authenticate", new OpenApiHeader
        {
            Description = "要哪种凭据：X-Api-Key 请求头中的 API 密钥 · Which credential is wanted: an API key in the X-Api-Key header",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Examples = [Infrastructure.Problems.ApiKeyChallenge] },
        });
        yield return ("X-Qr-Payload", new OpenApiHeader
        {
            Description = "二维码中编码的确切文本，供用自有工具印制的发证机构使用 · The exact text encoded in the QR, for issuers who print with their own tools",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private const string Introduction = """
        ## 这个接口回答什么

        给出职业技能等级证书的22位编号（第16位为等级）和持证人姓名，本服务解析编号，按**发证当日**的评价机构目录核对发证机构（备案、状态、范围），核对证书记录、状态和持证人，给出结论和每一项检查。结论有四种：

        | 结论 | 含义 |
        |---|---|
        | `VALID` 有效 | 每项检查都通过或不适用 |
        | `INVALID` 无效 | 至少一项检查不通过（如已撤销、发证时机构已暂停、超出范围） |
        | `NOT_FOUND` 未查到相符的证书，请核对编号和姓名 | 没有与该编号**和**这些持证人信息都相符的证书；未知编号与姓名不符的回答逐字节相同 |
        | `UNKNOWN` 无法确认 | 有检查无法进行（如未给姓名、对方省份的实例没有应答） |

        先用 `POST /api/v1/verifications`（姓名放在请求体中，绝不放在网址里）；`GET /api/v1/codes/{code}` 只解析编号，不查数据。

        **密钥。** 核验、解码和目录查询不需要密钥。批量核验需要合作方密钥（向运营方申请，按省份、批量、身份证件号码核对授权）；管理写入和二维码需要管理员或发证机构密钥。密钥放在 `X-Api-Key` 请求头中。

        **限额。** `/api` 下的每个请求都计数：匿名调用每个来源地址每分钟120次（可配置），合作方按各自密钥的配额；一批 N 条计 N 次。回答带 `RateLimit-Policy` 与 `RateLimit` 头（IETF 草案的结构化字段）；超出时为 429，带 `Retry-After`。请求体最大 4 KiB（批量 1 MiB，最多1,000条）。

        **错误。** 每个错误都是 RFC 9457 问题详情（`application/problem+json`），有稳定的 `code`、`messageZh`、`messageEn`，证书编号错误另有 `position`；`type` 指向 [/problems](/problems) 上该代码的说明。

        ## What this API answers

        Send a skill-level certificate's 22-character code (the 16th character is the level) and the holder's name: the service decodes the code, checks the issuer against the registry of assessment organizations **as it stood on the issue date** (registration, status, scope), checks the certificate's record, status and holder, and answers with an outcome and every check. There are four outcomes:

        | outcome | meaning |
        |---|---|
        | `VALID` | every check passed or did not apply |
        | `INVALID` | at least one check failed (revoked, issuer suspended on the issue date, out of scope…) |
        | `NOT_FOUND` | no certificate matches this code **and** these holder details; an unknown code and a wrong name get byte-identical answers |
        | `UNKNOWN` | a check could not run (no name given, the other province's instance did not answer…) |

        Start with `POST /api/v1/verifications` (the name goes in the body, never in a URL); `GET /api/v1/codes/{code}` decodes a code without any data access.

        **Keys.** Verifying, decoding and registry look-ups need no key. Batches need a partner key (ask the operator; it is scoped by province, batch and ID-number matching); admin writes and QR codes need an admin or issuing-body key. Keys go in the `X-Api-Key` header.

        **Limits.** Every request under `/api` counts: anonymous callers 120 a minute per address (configurable), partners their key's own quota; a batch of N counts N. Answers carry `RateLimit-Policy` and `RateLimit` (structured fields of the IETF draft); past the limit the answer is 429 with `Retry-After`. Bodies are at most 4 KiB (batches 1 MiB, 1,000 items).

        **Errors.** Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`, `messageZh` and `messageEn`, and `position` for a wrong code; its `type` points to that code on [/problems](/problems).
        """;
}
