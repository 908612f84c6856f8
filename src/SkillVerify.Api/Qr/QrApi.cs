using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using QRCoder;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Qr;

/// <summary>QR codes for certificates (admins and issuing bodies) and the scan endpoint phones post what they read to.</summary>
public static partial class QrApi
{
    public const int MinScale = 2;
    public const int MaxScale = 20;
    public const int DefaultScale = 8;
    public const int MaxScanBodyBytes = 8 * 1024;

    /// <summary>The exact text encoded in a QR image, for issuers who print with their own tools.</summary>
    public const string PayloadHeader = "X-Qr-Payload";

    public static IHostApplicationBuilder AddQr(this IHostApplicationBuilder builder)
    {
        builder.AddSigningKeys();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, QrJson.Default));
        builder.Services.AddOptions<QrOptions>().BindConfiguration(QrOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<QrOptions>, QrOptionsValidator>();
        builder.Services.AddSingleton(sp => QrTokens.Load(sp.GetRequiredService<IOptions<QrOptions>>().Value, sp.GetRequiredService<StorageLayout>()));
        builder.Services.AddSingleton<QrLinks>();
        return builder;
    }

    public static RouteGroupBuilder MapQr(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/api/v1/certificates").WithTags("QR codes").RequireAuthorization(ApiKeyPolicies.Admin).RequireRateLimiting(ApiRateLimitPolicy.Name);

        images.MapGet("/{code}/qr.png", ([AsParameters] QrImageRequest request, CancellationToken ct) => RenderAsync(request, svg: false, ct))
            .WithName("GetQrPng")
            .WithSummary("证书二维码（PNG）· The certificate's QR code (PNG)")
            .WithDescription("证书上印的二维码：带令牌的核验链接，或 form=signed 时可离线核验的签名数据。X-Qr-Payload 头为编码的确切文本。\n\n" +
                "The QR printed on a certificate: its verification link with a token, or with form=signed the offline-verifiable signed payload. X-Qr-Payload holds the exact encoded text.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        images.MapGet("/{code}/qr.svg", ([AsParameters] QrImageRequest request, CancellationToken ct) => RenderAsync(request, svg: true, ct))
            .WithName("GetQrSvg")
            .WithSummary("证书二维码（SVG）· The certificate's QR code (SVG)")
            .WithDescription("同 qr.png，矢量格式 · As qr.png, as a vector image.")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var scans = app.MapGroup("/api/v1").WithTags("QR codes").RequireRateLimiting(ApiRateLimitPolicy.Name);
        scans.MapPost("/scans", ScanAsync)
            .WithName("Scan")
            .WithSummary("核验扫码内容 · Verify what a QR scan read")
            .WithDescription("手机扫码读到的内容：本服务的核验链接、单独的编号、其他网站的含编号链接（提示可能是钓鱼网站）或签名离线数据；附核验结果。\n\n" +
                "What a phone's scan read: our verification link, a bare code, another site's link holding a code (warned as a phishing sign) or a signed offline payload; with the verification answer.")
            .Accepts<ScanRequest>("application/json")
            .Produces<ScanResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RecordsVerifications(VerificationChannels.Scan);

        return images;
    }

    /// <param name="Scale">Pixels per module, <see cref="MinScale"/>–<see cref="MaxScale"/>.</param>
    /// <param name="Ecc">Error correction level: L, M (default), Q or H.</param>
    /// <param name="Form">url (default): the verification link with its token; signed: the offline-verifiable payload.</param>
    internal readonly record struct QrImageRequest(
        [FromRoute(Name = "code")] string Code,
        [FromQuery(Name = "form")] string? Form,
        [FromQuery(Name = "scale")] string? Scale,
        [FromQuery(Name = "ecc")] string? Ecc,
        HttpContext Context,
        VerificationService Verification, QrTokens Tokens, QrLinks Links, SigningKeys Keys, TimeProvider Time);

    private static async Task<IResult> RenderAsync(QrImageRequest request, bool svg, CancellationToken cancellationToken)
    {
        var (code, form, scale, ecc, context) = (request.Code, request.Form, request.Scale, request.Ecc, request.Context);
        if (!TryParseScale(scale, out var pixelsPerModule))
        {
            return Problems.BadRequest("qr.scale", $"参数 scale（每个模块的像素数）应为{MinScale}到{MaxScale}之间的整数。", $"The scale parameter (pixels per module) must be a whole number from {MinScale} to {MaxScale}.");
        }
        if (!TryParseEcc(ecc, out var eccLevel))
        {
            return Problems.BadRequest("qr.ecc", "参数 ecc（纠错等级）应为 L、M、Q 或 H。", "The ecc parameter (error correction level) must be L, M, Q or H.");
        }
        var signed = form?.ToLowerInvariant() switch
        {
            null or "" or "url" => false,
            "signed" => true,
            _ => (bool?)null,
        };
        if (signed is null)
        {
            return Problems.BadRequest("qr.form", "参数 form 应为 url（核验链接，默认）或 signed（可离线核验的签名数据）。", "The form parameter must be url (the verification link, default) or signed (the offline-verifiable signed payload).");
        }
        var parse = CodeParser.Parse(code);
        if (parse.Error is { } error)
        {
            return Problems.InvalidCode(error);
        }
        if (parse.Code is not { } certificateCode)
        {
            return Problems.BadRequest("qr.legacy_code", "二维码只为职业技能等级证书生成，不为旧版职业资格证书生成。", "QR codes are issued for skill-level certificates only, not old qualification certificates.");
        }
        var canonical = certificateCode.Value;
        // Settings first: a missing one is the same answer for every code.
        string? baseUrl = null;
        if (signed == true && request.Keys.Active is null)
        {
            return NotConfigured("Signing:Keys");
        }
        if (signed == false && !request.Tokens.Enabled)
        {
            return NotConfigured("Qr:TokenKeys");
        }
        if (signed == false && (baseUrl = request.Links.BaseUrl()) is null)
        {
            return NotConfigured("Qr:PublicBaseUrl");
        }
        var answer = await request.Verification.VerifyAsync(canonical, null, null, Disclosure.Authorized, cancellationToken);
        if (answer.Certificate is not { } certificate)
        {
            return Problems.NotFound("certificate.not_found", $"没有编号为 {canonical} 的证书记录。", $"There is no certificate record with code {canonical}.");
        }

        string payload;
        if (signed == true)
        {
            if (answer.Outcome != "VALID")
            {
                // An offline QR would keep saying "genuine" without network: never issue one for a certificate that is not VALID now.
                return Problems.Create(StatusCodes.Status409Conflict, "Conflict.", "qr.certificate_not_valid",
                    "证书当前核验结果不是“有效”，不能生成可离线核验的签名二维码。", "The certificate does not verify as VALID now, so no offline-verifiable signed QR is issued for it.", null);
            }
            var key = request.Keys.Active!;
            var claims = new OfflineClaims(certificate.Code, certificate.Level.Code, certificate.Level.Name, certificate.Occupation.Code, certificate.Occupation.Name,
                certificate.Issuer.Code, certificate.Issuer.Name ?? "", certificate.IssueDate, certificate.HolderNameMasked, key.KeyId,
                DateTimeOffset.FromUnixTimeSeconds(request.Time.GetUtcNow().ToUnixTimeSeconds()));
            payload = SignedPayload.Create(claims, key);
        }
        else
        {
            payload = QrLinks.VerificationUrl(baseUrl!, canonical, request.Tokens.Issue(canonical));
        }

        QRCodeData data;
        try
        {
            using var generator = new QRCodeGenerator();
            data = generator.CreateQrCode(payload, eccLevel);
        }
        catch (QRCoder.Exceptions.DataTooLongException)
        {
            return Problems.BadRequest("qr.too_long", "内容过长，无法按该纠错等级生成二维码；请选择较低的纠错等级。", "The content is too long for a QR code at this error correction level; choose a lower one.");
        }
        using (data)
        {
            // The image carries a token (a capability) or a masked name: no shared cache may keep it.
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers[PayloadHeader] = payload;
            return svg
                ? TypedResults.Text(new SvgQRCode(data).GetGraphic(pixelsPerModule), "image/svg+xml")
                : TypedResults.File(new PngByteQRCode(data).GetGraphic(pixelsPerModule), "image/png");
        }
    }

    private static ProblemHttpResult NotConfigured(string setting) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not configured.", "qr.not_configured",
            $"此功能需要配置 {setting}。", $"This feature needs the setting {setting}.", null);

    private static bool TryParseScale(string? text, out int value)
    {
        if (text is null)
        {
            value = DefaultScale;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is >= MinScale and <= MaxScale;
    }

    private static bool TryParseEcc(string? text, out QRCodeGenerator.ECCLevel level)
    {
        level = (text ?? "M").ToUpperInvariant() switch
        {
            "L" => QRCodeGenerator.ECCLevel.L,
            "M" => QRCodeGenerator.ECCLevel.M,
            "Q" => QRCodeGenerator.ECCLevel.Q,
            "H" => QRCodeGenerator.ECCLevel.H,
            _ => (QRCodeGenerator.ECCLevel)(-1),
        };
        return (int)level >= 0;
    }

    private static async Task<Results<Ok<ScanResponse>, ProblemHttpResult>> ScanAsync(HttpContext context, VerificationService verification,
        QrTokens tokens, QrLinks links, SigningKeys signingKeys, HolderBindingBudget budget, VerificationMetrics metrics, CancellationToken cancellationToken)
    {
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, QrJson.Default.ScanRequest, cancellationToken, MaxScanBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        var payload = request!.Payload?.Trim();
        if (string.IsNullOrEmpty(payload))
        {
            return Problems.BadRequest("scan.payload_required", "请求中缺少扫码内容（payload）。", "The request has no scanned content (payload).");
        }
        if (payload.Length > SignedPayload.MaxTextLength)
        {
            return Problems.BadRequest("scan.payload_too_long", $"扫码内容最多{SignedPayload.MaxTextLength}个字符。", $"The scanned content is limited to {SignedPayload.MaxTextLength} characters.");
        }
        if (request.HolderName is { Length: > HolderNormalization.MaxNameLength })
        {
            return Problems.BadRequest("request.holder_name_too_long", $"持证人姓名（holderName）最多{HolderNormalization.MaxNameLength}个字符。", $"The holder name (holderName) is limited to {HolderNormalization.MaxNameLength} characters.");
        }

        var warnings = new List<ScanWarningDto>();
        ScanRecognitionDto recognized;
        OfflineClaims? offline = null;
        string code;
        var disclosure = Disclosure.Anonymous;
        // A token or signature presented tests the certificate's own proof; otherwise a holder name tests typed details.
        var tokenPresented = false;
        var parsedCode = CodeParser.Parse(payload);

        if (SignedPayload.LooksSigned(payload))
        {
            var result = SignedPayload.Verify(payload, signingKeys);
            if (result.Status == OfflineStatus.Malformed)
            {
                return Problems.BadRequest("scan.signed_payload_malformed", "签名二维码数据已损坏或被篡改，无法读取。", "The signed QR payload is damaged or altered and cannot be read.");
            }
            if (result.Status == OfflineStatus.Valid)
            {
                tokenPresented = true;
                offline = result.Claims;
                code = result.Claims!.Code;
                disclosure = Disclosure.Authorized;
            }
            else
            {
                // The signature does not hold: nothing in the payload can be trusted, not even the code.
                warnings.Add(SignatureWarning(result.Status));
                return TypedResults.Ok(new ScanResponse(
                    new ScanRecognitionDto("signedPayload", null, null, null, null, SignatureName(result.Status), result.KeyId, "anonymous"),
                    warnings, null, null));
            }
            recognized = new ScanRecognitionDto("signedPayload", code, null, null, null, "valid", result.KeyId, "authorized");
        }
        else if (parsedCode.Success)
        {
            code = parsedCode.Canonical!;
            recognized = new ScanRecognitionDto("code", code, null, null, null, null, null, "anonymous");
        }
        else if (TryParseLink(payload, out var uri))
        {
            if (!TryFindCode(uri, out var found, out var isVerificationPath))
            {
                return Problems.BadRequest("scan.no_code", "链接中没有证书编号。", "The link holds no certificate code.");
            }
            code = found;
            var host = uri.IdnHost.ToLowerInvariant() + (uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture));
            var official = links.IsOfficial(uri);
            var token = isVerificationPath ? QueryHelpers.ParseQuery(uri.Query).GetValueOrDefault("t").ToString() : null;
            var tokenState = CodeParser.Parse(code).Code is not null ? tokens.Check(code, token) : TokenState.Missing;
            tokenPresented = tokenState != TokenState.Missing;
            if (!official)
            {
                warnings.Add(new ScanWarningDto("scan.unofficial_host",
                    $"二维码指向的网站 {host} 不在官方核验网站名单上，可能是仿冒（钓鱼）网站：请勿在该网站输入任何个人信息。以下为本服务对其中证书编号的核验结果。",
                    $"The QR points to {host}, which is not on the list of official verification sites and may be a phishing site: do not enter any personal data there. Below is this service's answer for the code it contains."));
            }
            else if (tokenState == TokenState.Valid)
            {
                disclosure = Disclosure.Authorized;
            }
            if (tokenState == TokenState.Invalid)
            {
                warnings.Add(new ScanWarningDto("scan.token_invalid",
                    "链接中的核验令牌无效：二维码可能被篡改，或其密钥已停用。请提供持证人姓名进行核验。",
                    "The link's verification token is not valid: the QR may have been altered, or its key retired. Give the holder's name to verify."));
            }
            recognized = new ScanRecognitionDto(isVerificationPath ? "verificationUrl" : "urlWithCode", code, host, official,
                tokenState switch { TokenState.Valid => "valid", TokenState.Invalid => "invalid", _ => "missing" }, null, null,
                disclosure == Disclosure.Authorized ? "authorized" : "anonymous");
        }
        else if (!payload.Contains("://", StringComparison.Ordinal) && payload.Length <= CodeParser.MaxInputLength && parsedCode.Error is { } codeError)
        {
            // Short text that is no link: most likely a mistyped code, so say which position is wrong.
            return Problems.InvalidCode(codeError);
        }
        else
        {
            return Problems.BadRequest("scan.unrecognized", "无法识别扫码内容：既不是核验链接、证书编号，也不是签名二维码数据。",
                "The scanned content is not recognized: it is neither a verification link, a certificate code nor a signed payload.");
        }

        BudgetDecision? decision = null;
        if (tokenPresented || !string.IsNullOrWhiteSpace(request.HolderName))
        {
            decision = await budget.TryTakeAsync(context, VerificationChannels.Scan, CodeParser.Parse(code).Canonical,
                tokenPresented ? HolderProof.Token : HolderProof.Details, 1, cancellationToken);
            if (!decision.Allowed)
            {
                return decision.ToProblem(context);
            }
        }
        var caller = decision?.Caller ?? HolderBindingBudget.CallerOf(context, HolderProof.Details);
        context.SetVerificationSubject(caller, code);
        var answer = await verification.VerifyAsync(code, request.HolderName, null, disclosure, cancellationToken);
        if (decision is not null)
        {
            await budget.ReportAsync(decision, bound: answer.Certificate is not null, cancellationToken);
        }
        metrics.Record(VerificationChannels.Scan, caller, answer.Outcome, code);
        if (offline is not null && answer.Outcome != "VALID")
        {
            warnings.Add(new ScanWarningDto("scan.offline_outdated",
                "该离线二维码签发后证书状态已变化，请以在线核验结果为准。", "The certificate's state has changed since this offline QR was signed; the online answer prevails."));
        }
        if (answer.Certificate is not null || offline is not null || !string.IsNullOrEmpty(request.HolderName))
        {
            context.Response.Headers.CacheControl = "no-store";
        }
        return TypedResults.Ok(new ScanResponse(recognized, warnings, offline, answer));
    }

    private static bool TryParseLink(string payload, out Uri uri) =>
        Uri.TryCreate(payload, UriKind.Absolute, out uri!) && uri.Scheme is "http" or "https" && !string.IsNullOrEmpty(uri.Host);

    /// <summary>Finds a certificate code in a link: the /v/{code} path first, then any path segment or query value, then anywhere in the text.</summary>
    private static bool TryFindCode(Uri uri, out string code, out bool isVerificationPath)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        isVerificationPath = segments.Length >= 2 && segments[^2] is "v" or "V" && Parse(segments[^1]) is not null;
        if (isVerificationPath)
        {
            code = Parse(segments[^1])!;
            return true;
        }
        foreach (var candidate in segments.Concat(QueryHelpers.ParseQuery(uri.Query).SelectMany(q => q.Value.Select(v => v ?? ""))))
        {
            if (Parse(candidate) is { } c)
            {
                code = c;
                return true;
            }
        }
        var match = EmbeddedCode().Match(Uri.UnescapeDataString(uri.OriginalString));
        code = match.Success ? CodeParser.Parse(match.Value).Canonical ?? "" : "";
        return code.Length > 0;

        static string? Parse(string text)
        {
            var unescaped = Uri.UnescapeDataString(text);
            return unescaped.Length <= CodeParser.MaxInputLength ? CodeParser.Parse(unescaped).Canonical : null;
        }
    }

    [GeneratedRegex("[YS][0-9]{6}[A-Z0-9]{6}[0-9]{2}[X54321TS][0-9]{6}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex EmbeddedCode();

    private static string SignatureName(OfflineStatus status) => status switch
    {
        OfflineStatus.Valid => "valid",
        OfflineStatus.UnknownKey => "unknown_key",
        OfflineStatus.OutsideKeyWindow => "outside_key_window",
        OfflineStatus.BadSignature => "bad_signature",
        _ => "malformed",
    };

    private static ScanWarningDto SignatureWarning(OfflineStatus status) => status switch
    {
        OfflineStatus.UnknownKey => new("scan.signing_key_unknown",
            "签名二维码所用的密钥未公布或已停用：其内容不可信。", "The signed QR was signed with a key that is not published or has been retired: its content cannot be trusted."),
        OfflineStatus.OutsideKeyWindow => new("scan.outside_key_window",
            "签名二维码的签发时间不在其密钥的有效期内：其内容不可信。", "The signed QR was signed outside its key's validity window: its content cannot be trusted."),
        _ => new("scan.signature_invalid",
            "签名二维码的签名不符，内容可能被篡改：其内容不可信。", "The signed QR's signature does not hold; it may have been altered: its content cannot be trusted."),
    };
}
