using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Qr;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;
using SkillVerify.Data;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Credentials;

/// <summary>POST /api/v1/credentials/verifications: the presented SD-JWT VC, and the optional claims the verifier requires.</summary>
public sealed record CredentialVerificationRequest(string? Credential, IReadOnlyList<string>? RequiredClaims);

/// <summary>The outcome (VALID / INVALID / NOT_FOUND / UNKNOWN), every check, and exactly the claims the presentation shows.</summary>
public sealed record CredentialVerificationResponse(string Outcome, IReadOnlyList<CheckDto> Checks, JsonObject? Claims, IReadOnlyList<string> Disclosed,
    string? KeyId, long? IssuedAt, long? ExpiresAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CredentialVerificationRequest))]
[JsonSerializable(typeof(CredentialVerificationResponse))]
public sealed partial class CredentialsJsonContext : JsonSerializerContext;

/// <summary>
/// Electronic certificates a holder can carry abroad (docs/credentials.md): the SD-JWT VC download, the status
/// list, the did:web document and the verification of a presented credential.
/// </summary>
public static partial class CredentialsApi
{
    public const string FileMediaType = "application/dc+sd-jwt";

    public static IHostApplicationBuilder AddCredentials(this IHostApplicationBuilder builder)
    {
        builder.AddSigningKeys();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(CredentialsJsonContext.Default));
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.Section);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<CredentialOptions>>().Value);
        builder.Services.AddSingleton(sp => new CredentialStatusStore(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.CommandTimeoutSeconds));
        builder.Services.AddSingleton<StatusListPublisher>();
        builder.Services.AddSingleton<CredentialVerifier>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCredentials(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/credentials").WithTags("Electronic credentials").RequireRateLimiting(ApiRateLimitPolicy.Name);
        // Under the certificate, not under /credentials: GET /api/v1/credentials/verifications must stay a 405, not a code to parse.
        app.MapGet("/api/v1/certificates/{code}/credential", DownloadAsync)
            .WithTags("Electronic credentials")
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .WithName("DownloadCredential")
            .WithSummary("下载电子证书（SD-JWT VC） · Download the certificate as an SD-JWT VC")
            .WithDescription("持证人凭证书二维码中的令牌 t、或发证机构凭 X-Api-Key 下载 application/dc+sd-jwt 文件；姓名（脱敏）和身份证件号码（脱敏）可选择披露。\n\nThe holder (with the QR token t) or an issuing body (with X-Api-Key) downloads the certificate as an application/dc+sd-jwt file; the masked name and masked ID number are selectively disclosable.")
            .Produces(StatusCodes.Status200OK, contentType: FileMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/status-lists/1", StatusListAsync)
            .WithName("GetCredentialStatusList")
            .WithSummary("电子证书状态列表 · The credentials' status list")
            .WithDescription("本实例签名的状态列表（IETF Token Status List，1 位，statuslist+jwt），可在 ttl 内缓存、离线核对。\n\nThis instance's signed status list (IETF Token Status List, 1 bit, statuslist+jwt); cacheable for its ttl, so a verifier can check offline.")
            .Produces(StatusCodes.Status200OK, contentType: StatusList.MediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/verifications", VerifyAsync)
            .WithName("VerifyCredential")
            .WithSummary("核验出示的电子证书 · Verify a presented credential")
            .WithDescription("核对签名、披露项、有效期和状态，只显示出示时披露的内容。\n\nChecks signature, disclosures, expiry and status, and shows what was disclosed and nothing more.")
            .Accepts<CredentialVerificationRequest>("application/json")
            .Produces<CredentialVerificationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/.well-known/did.json", DidDocument)
            .WithTags("Electronic credentials")
            .WithName("GetDidDocument")
            .WithSummary("本服务的 did:web 文档 · The service's did:web document")
            .WithDescription("与 /.well-known/jwks.json 相同的公钥，供采用 DID 的核验方使用。\n\nThe same public keys as /.well-known/jwks.json, for verifiers that expect a DID.");
        app.MapCredentialPages();
        return app;
    }

    internal static async Task<(string? Credential, ProblemHttpResult? Problem)> IssueAsync(string code, string? token, HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var parse = CodeParser.Parse(code);
        if (parse.Error is { } error)
        {
            return (null, Problems.InvalidCode(error));
        }
        if (parse.Code is not { } certificateCode)
        {
            return (null, Problems.BadRequest("credential.legacy_code", "电子证书只为职业技能等级证书签发，不为旧版职业资格证书签发。",
                "Electronic credentials are issued for skill-level certificates only, not old qualification certificates."));
        }
        var canonical = certificateCode.Value;
        var admin = context.IsAdmin();
        // The QR token authorizes the masked record (domain.md §6), so the holder needs no name: nothing here is a
        // guess at who holds the code, and the holder-binding budget (issue 13) is not touched.
        if (!admin && services.GetRequiredService<QrTokens>().Check(canonical, token) != TokenState.Valid)
        {
            return (null, Problems.Create(StatusCodes.Status403Forbidden, "Forbidden.", "credential.token_required",
                "下载电子证书需要证书二维码中的核验令牌（扫描证书上的二维码进入），或签发机构的密钥。",
                "Downloading the credential needs the token in the certificate's QR code (scan it to get here), or an issuing body's key.", null));
        }
        var keys = services.GetRequiredService<SigningKeys>();
        var baseUrl = services.GetRequiredService<QrLinks>().BaseUrl();
        if (keys.Active is null || baseUrl is null)
        {
            return (null, Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not configured.", "credential.not_configured",
                "此功能需要配置 Signing:Keys 和 Qr:PublicBaseUrl。", "This feature needs the settings Signing:Keys and Qr:PublicBaseUrl.", null));
        }
        var answer = await services.GetRequiredService<VerificationService>().VerifyAsync(canonical, null, null, Disclosure.Authorized, cancellationToken);
        if (answer.Certificate is not { } certificate)
        {
            return (null, Problems.NotFound("certificate.not_found", $"没有编号为 {canonical} 的证书记录。", $"There is no certificate record with code {canonical}."));
        }
        if (answer.Outcome != "VALID")
        {
            return (null, Problems.Create(StatusCodes.Status409Conflict, "Conflict.", "credential.certificate_not_valid",
                "证书当前核验结果不是“有效”，不签发电子证书。", "The certificate does not verify as VALID now, so no credential is issued for it.", null));
        }
        // The masked ID number goes only to an issuing body's key: the token shows the masked record without it (VerificationService does the same).
        var idMasked = admin ? (await services.GetRequiredService<RecordCache>().GetCertificateAsync(canonical, cancellationToken)).Value?.IdMasked : null;
        var time = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var idx = await services.GetRequiredService<CredentialStatusStore>().GetOrAssignIndexAsync(canonical, certificate.Standing ?? "current", time, cancellationToken);
        return (CredentialIssuer.Issue(certificate, idMasked, idx, baseUrl, keys, time), null);
    }

    private static async Task<IResult> DownloadAsync(string code, string? t, HttpContext context, CancellationToken cancellationToken)
    {
        var (credential, problem) = await IssueAsync(code, t, context, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        // It carries the masked name: no cache keeps it, no referrer carries the token away.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.File(System.Text.Encoding.ASCII.GetBytes(credential!), FileMediaType, "skill-certificate.sd-jwt");
    }

    private static async Task<IResult> StatusListAsync(HttpContext context, StatusListPublisher publisher, QrLinks links, SigningKeys keys, CredentialOptions options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (keys.Active is null || links.BaseUrl() is not { } baseUrl)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not configured.", "credential.not_configured",
                "此功能需要配置 Signing:Keys 和 Qr:PublicBaseUrl。", "This feature needs the settings Signing:Keys and Qr:PublicBaseUrl.", null);
        }
        string token;
        try
        {
            token = await publisher.BuildAsync(baseUrl, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            StatusListFailed(loggers.CreateLogger(typeof(CredentialsApi)), ex.GetType().Name);
            context.Response.Headers.RetryAfter = "30";
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Unavailable.", "status_list.unavailable",
                "状态列表暂时无法生成，请稍后再取；在此之前可继续使用上次取得且未过期的列表。",
                "The status list cannot be built now; fetch it later, and meanwhile use the last list you fetched while it has not expired.", null);
        }
        // Public, the same for everyone: any cache may keep it for the refresh interval the list itself states (ttl).
        context.Response.Headers.CacheControl = $"public, max-age={(long)options.StatusListRefresh.TotalSeconds}";
        return TypedResults.Text(token, StatusList.MediaType);
    }

    internal static async Task<CredentialVerification> VerifyPresentedAsync(string credential, IReadOnlyCollection<string> required, HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var baseUrl = services.GetRequiredService<QrLinks>().BaseUrl() ?? "";
        var publisher = services.GetRequiredService<StatusListPublisher>();
        var ownList = StatusListPublisher.Uri(baseUrl);
        // Only this instance's own list is read (built here, no HTTP): fetching any URI a credential names would let
        // a caller make the service call anywhere. A credential naming another list cannot be decided (UNKNOWN).
        async Task<string?> Fetch(string uri, CancellationToken ct) => uri == ownList ? await publisher.BuildAsync(baseUrl, ct) : null;
        return await services.GetRequiredService<CredentialVerifier>().VerifyAsync(credential, baseUrl, Fetch, required,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
    }

    private static async Task<Results<Ok<CredentialVerificationResponse>, ProblemHttpResult>> VerifyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, CredentialsJsonContext.Default.CredentialVerificationRequest, cancellationToken, CredentialVerifier.MaxLength + 2048);
        if (problem is not null)
        {
            return problem;
        }
        if (ValidateInput(request!.Credential, request.RequiredClaims) is { } invalid)
        {
            return invalid;
        }
        var result = await VerifyPresentedAsync(request.Credential!, request.RequiredClaims ?? [], context, cancellationToken);
        return TypedResults.Ok(new CredentialVerificationResponse(result.Outcome, result.Checks, result.Claims, result.Disclosed, result.KeyId, result.IssuedAt, result.ExpiresAt));
    }

    internal static ProblemHttpResult? ValidateInput(string? credential, IReadOnlyList<string>? required)
    {
        if (string.IsNullOrWhiteSpace(credential))
        {
            return Problems.BadRequest("credential.required", "请提供要核验的电子证书（credential）。", "The credential to verify (credential) is required.");
        }
        if (credential.Length > CredentialVerifier.MaxLength)
        {
            return Problems.BadRequest("credential.too_long", $"电子证书最多{CredentialVerifier.MaxLength}个字符。", $"The credential is limited to {CredentialVerifier.MaxLength} characters.");
        }
        if (required is not null && (required.Count > 10 || required.Any(r => r is null || !CredentialIssuer.SelectiveClaims.Contains(r))))
        {
            return Problems.BadRequest("credential.required_claims",
                $"requiredClaims 只能包含：{string.Join("、", CredentialIssuer.SelectiveClaims)}。", $"requiredClaims may hold only: {string.Join(", ", CredentialIssuer.SelectiveClaims)}.");
        }
        return null;
    }

    private static IResult DidDocument(HttpContext context, SigningKeys keys, QrLinks links)
    {
        if (links.BaseUrl() is not { } baseUrl)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not configured.", "credential.not_configured",
                "此功能需要配置 Qr:PublicBaseUrl。", "This feature needs the setting Qr:PublicBaseUrl.", null);
        }
        var uri = new Uri(baseUrl);
        // did:web: the host, its port percent-encoded, then the path segments separated by ':'.
        var did = "did:web:" + uri.IdnHost + (uri.IsDefaultPort ? "" : "%3A" + uri.Port)
            + string.Concat(uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => ":" + s));
        var methods = new JsonArray();
        var ids = new JsonArray();
        foreach (var key in keys.Jwks.Keys)
        {
            var jwk = new JsonObject { ["kty"] = key.Kty, ["crv"] = key.Crv, ["x"] = key.X, ["y"] = key.Y, ["kid"] = key.Kid, ["alg"] = key.Alg };
            methods.Add(new JsonObject { ["id"] = did + "#" + key.Kid, ["type"] = "JsonWebKey2020", ["controller"] = did, ["publicKeyJwk"] = jwk });
            ids.Add(did + "#" + key.Kid);
        }
        var document = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"),
            ["id"] = did,
            ["alsoKnownAs"] = new JsonArray(baseUrl),
            ["verificationMethod"] = methods,
            ["assertionMethod"] = ids,
        };
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Text(document.ToJsonString(), "application/did+json");
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "The status list could not be built: {Error}")]
    private static partial void StatusListFailed(ILogger logger, string error);
}
