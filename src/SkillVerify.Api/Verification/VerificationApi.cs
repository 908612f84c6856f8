using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.Partners;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

public static class VerificationApi
{
    /// <summary>Request bodies are small: a code, a name and an ID number.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    public static RouteGroupBuilder MapVerification(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Verification").RequireRateLimiting(ApiRateLimitPolicy.Name);

        group.MapGet("/codes/{code}", Decode)
            .WithName("DecodeCode")
            .WithSummary("解析证书编号 · Decode a certificate code")
            .WithDescription("解析编号的各部分（机构类型、机构代码、省份、年份、等级、序号）并列出违反的规则；不查数据，不含个人信息。无法解析时为 400 问题，指出第几位。\n\n" +
                "The code's parts (body type, body code, province, year, level, serial) and the rules it breaks; no data access, no personal data. A code that cannot be parsed is a 400 problem naming the position.")
            .Produces<DecodeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        // Anyone may verify; a key, when sent, must authenticate, and a partner's key sets its scope.
        var verifications = app.MapGroup("/api/v1").WithTags("Verification").RequireAuthorization(ApiKeyPolicies.OptionalPartner).RequireRateLimiting(ApiRateLimitPolicy.Name);
        verifications.MapPost("/verifications", Verify)
            .WithName("Verify")
            .WithSummary("核验证书 · Verify a certificate")
            .WithDescription("给出编号和持证人姓名（可选身份证件号码），得到 VALID / INVALID / NOT_FOUND / UNKNOWN 和每一项检查。无法解析的编号是 200 INVALID，其 format 检查指出第几位；未知编号和姓名不符的回答逐字节相同。\n\n" +
                "Send the code and the holder's name (optionally the ID number) and get VALID / INVALID / NOT_FOUND / UNKNOWN with every check. An undecodable code is a 200 INVALID whose format check names the position; an unknown code and a wrong name get byte-identical answers.")
            .Accepts<VerificationRequest>("application/json")
            .Produces<VerificationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RecordsVerifications(VerificationChannels.Api);

        return group;
    }

    private static Results<Ok<DecodeResponse>, ProblemHttpResult> Decode(string code, HttpContext context, CodeDecoder decoder, IOptions<CacheOptions> cache)
    {
        if (PathEncodingError(context) is { } encoding)
        {
            return Problems.InvalidCode(encoding);
        }
        var decoded = decoder.Decode(code);
        if (decoded.Parse.Error is { } error)
        {
            return Problems.InvalidCode(error);
        }
        context.Response.Headers.CacheControl = OutputCachePolicies.PublicUntilTomorrow(decoder, cache.Value);
        return TypedResults.Ok(ToDecodeResponse(decoded));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Verify(HttpContext context, VerificationService verification, CodeDecoder decoder,
        HolderBindingBudget budget, VerificationMetrics metrics, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadJsonAsync(context.Request, VerificationJson.Default.VerificationRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (Validate(request!) is { } invalid)
        {
            return invalid;
        }
        // A code that cannot be parsed is a typing error to correct, not a verdict: 400 naming the position and the character.
        if (decoder.Decode(request!.Code).Parse.Error is { } codeError)
        {
            return Problems.InvalidCode(codeError);
        }
        // A partner (another province, or a peer instance forwarding) sees what a caller with the same code and name sees; its key sets the scope.
        var partner = context.GetPartner();
        if (partner is null && !string.IsNullOrWhiteSpace(request!.IdNumber))
        {
            return PartnerAccess.IdNumberNeedsKey();
        }
        if (partner is not null && PartnerAccess.ScopeError(partner, decoder.Decode(request!.Code).Code?.ProvinceCode, request.IdNumber) is { } denied)
        {
            return PartnerAccess.Forbidden(denied);
        }
        var forwarded = partner is not null && context.Request.Headers.ContainsKey(PeerClient.ForwardedHeader);
        var channel = forwarded ? VerificationChannels.Federation : VerificationChannels.Api;
        // A name or an ID number tested against a code spends from the caller's holder-check budget.
        BudgetDecision? decision = null;
        if (!string.IsNullOrWhiteSpace(request!.HolderName) || !string.IsNullOrWhiteSpace(request.IdNumber))
        {
            decision = await budget.TryTakeAsync(context, channel, CodeParser.Parse(request.Code).Canonical, HolderProof.Details, 1, cancellationToken);
            if (!decision.Allowed)
            {
                return decision.ToProblem(context);
            }
        }
        var caller = decision?.Caller ?? HolderBindingBudget.CallerOf(context, HolderProof.Details);
        context.SetVerificationSubject(caller, request.Code);
        var response = await verification.AnswerAsync(request.Code, request.HolderName, request.IdNumber, forwarded, cancellationToken);
        if (decision is not null)
        {
            await budget.ReportAsync(decision, bound: response.Certificate is not null, cancellationToken);
        }
        metrics.Record(channel, caller, response.Outcome, request.Code);
        if (partner is not null || response.Certificate is not null || !string.IsNullOrEmpty(request.HolderName) || !string.IsNullOrEmpty(request.IdNumber))
        {
            // The answer speaks of a person: no shared cache may keep it.
            context.Response.Headers.CacheControl = "no-store";
        }
        // Serialized whole, with the application's JSON options (the bytes Ok would stream), and sent with a Content-Length;
        // a memoized answer (AnswerMemo) as the bytes it serialized to the first time. Every answer is framed alike, so a
        // reused answer (a real code asked again with a wrong name) and a fresh one (an unknown code) share their headers.
        var encode = (VerificationResponse r) => JsonSerializer.SerializeToUtf8Bytes(r, json.Value.SerializerOptions.GetTypeInfo(typeof(VerificationResponse)));
        return TypedResults.Bytes(verification.Encoded(response, encode) ?? encode(response), JsonContentType);
    }

    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// A path whose percent-escapes are not UTF-8 (%C0, a lone %E2%80): the router leaves such escapes as they
    /// are, so the code would read as a literal '%'. Names the escape as sent and its position in the last segment.
    /// </summary>
    internal static CodeError? PathEncodingError(HttpContext context)
    {
        // The raw target when the server keeps it (Kestrel); the path otherwise, where such escapes also stay as sent.
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target ? target : context.Request.Path.Value ?? "";
        var end = raw.IndexOfAny(['?', '#']);
        var path = end < 0 ? raw : raw[..end];
        var segment = path[(path.LastIndexOf('/') + 1)..];
        if (!segment.Contains('%'))
        {
            return null;
        }
        var bytes = new List<byte>(segment.Length);
        var starts = new List<int>(segment.Length); // the index in the segment each byte came from
        for (var i = 0; i < segment.Length; i++)
        {
            starts.Add(i);
            if (segment[i] == '%' && i + 2 < segment.Length && Uri.IsHexDigit(segment[i + 1]) && Uri.IsHexDigit(segment[i + 2]))
            {
                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)segment[i]);
            }
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        var offset = 0;
        var position = 0;
        while (offset < span.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(span[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                var at = starts[offset];
                var escape = segment.Substring(at, Math.Min(3, segment.Length - at));
                return new CodeError("code.invalid_encoding", position + 1,
                    $"第{position + 1}个字符处的“{escape}”不是有效的 UTF-8 文字编码（链接可能被截断或转码错误）。",
                    $"Character {position + 1} is sent as '{escape}', which is not valid UTF-8 text (the link may have been cut or re-encoded).");
            }
            offset += consumed;
            position++;
        }
        return null;
    }

    /// <summary>A malformed request (no code, an overlong field) is a 400.</summary>
    internal static ProblemHttpResult? Validate(VerificationRequest request)
    {
        if (request.Code is null)
        {
            return Problems.BadRequest("request.code_required", "请求中缺少证书编号（code）。", "The request has no certificate code (code).");
        }
        if (request.Code.Length > CodeParser.MaxInputLength)
        {
            return Problems.BadRequest("request.code_too_long", $"证书编号（code）最多{CodeParser.MaxInputLength}个字符。", $"The certificate code (code) is limited to {CodeParser.MaxInputLength} characters.");
        }
        if (request.HolderName is { Length: > HolderNormalization.MaxNameLength })
        {
            return Problems.BadRequest("request.holder_name_too_long", $"持证人姓名（holderName）最多{HolderNormalization.MaxNameLength}个字符。", $"The holder name (holderName) is limited to {HolderNormalization.MaxNameLength} characters.");
        }
        if (request.IdNumber is { Length: > HolderNormalization.MaxIdNumberLength })
        {
            return Problems.BadRequest("request.id_number_too_long", $"身份证件号码（idNumber）最多{HolderNormalization.MaxIdNumberLength}个字符。", $"The ID number (idNumber) is limited to {HolderNormalization.MaxIdNumberLength} characters.");
        }
        return null;
    }

    /// <summary>
    /// Reads a JSON body with the source-generated contract, answering a 4xx problem that says what is wrong
    /// (rather than the framework's bare 400) for a wrong content type, an oversize or an unparsable body.
    /// </summary>
    internal static async Task<(T? Value, ProblemHttpResult? Problem)> ReadJsonAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken, int maxBytes = MaxBodyBytes)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "request.content_type",
                "请求体须为 JSON（Content-Type: application/json）。", "The request body must be JSON (Content-Type: application/json).", null));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        try
        {
            // The whole body (bounded), then one synchronous parse: cheaper than the serializer's resumable async read.
            var reader = request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var body = read.Buffer;
                if (body.Length > maxBytes)
                {
                    reader.AdvanceTo(body.Start, body.End);
                    return (null, TooLarge(maxBytes));
                }
                if (!read.IsCompleted)
                {
                    reader.AdvanceTo(body.Start, body.End);
                    continue;
                }
                try
                {
                    var value = Parse(body, type);
                    return value is null
                        ? (null, Problems.BadRequest("request.empty", "请求体为空。", "The request body is empty."))
                        : (value, null);
                }
                finally
                {
                    reader.AdvanceTo(body.End);
                }
            }
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is long line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return (null, Problems.BadRequest("request.invalid_json", "请求体不是有效的 JSON，或字段类型不对。", $"The request body is not valid JSON or a field has the wrong type{where}."));
        }
    }

    /// <summary>The whole input must be one JSON value (trailing data is an error), as with the span overload.</summary>
    private static T? Parse<T>(System.Buffers.ReadOnlySequence<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (body.IsSingleSegment)
        {
            return JsonSerializer.Deserialize(body.FirstSpan, type);
        }
        var copy = System.Buffers.ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            System.Buffers.BuffersExtensions.CopyTo(body, copy);
            return JsonSerializer.Deserialize(copy.AsSpan(0, (int)body.Length), type);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large.", "request.too_large",
            $"请求体超过{maxBytes}字节。", $"The request body is larger than {maxBytes} bytes.", null);

    internal static DecodeResponse ToDecodeResponse(DecodedCode decoded)
    {
        var violations = decoded.Violations.Select(v => new ViolationDto(v.Check, v.Code, v.Position, v.MessageZh, v.MessageEn)).ToList();
        if (decoded.Parse.Code is { } c)
        {
            var level = c.Level;
            var province = c.Province;
            var parts = new CodePartsDto(
                new NamedValue(c.BodyType.ToString(), Verifier.BodyTypeZh(c.BodyType), c.BodyType == 'Y' ? "Employer" : "Social training and assessment organization"),
                c.MinistryBodyCode,
                c.RegisteredWithProvince ? "province" : "ministry",
                new NamedValue(c.ProvinceCode, province?.Name, province?.NameEn),
                c.SiteSerial,
                c.OrganizationCode,
                c.IssueYear,
                new LevelRef(level.Code, level.Name, level.NameEn),
                c.Serial);
            return new DecodeResponse(c.Value, "skillLevel", c.ToDisplayString(), parts, null, violations);
        }
        var l = decoded.Parse.Legacy!.Value;
        var region = l.Region;
        var agency = l.Agency;
        var legacyLevel = l.Level;
        var legacy = new LegacyPartsDto(l.IsShanghaiForm, l.YearDigits, decoded.LegacyIssueYear!.Value,
            new NamedValue(l.RegionCode, region?.Name, region?.NameEn),
            l.CityCode,
            new NamedValue(l.AgencyType.ToString(), agency?.Name, agency?.NameEn),
            l.AgencySerial, l.AgencyCode,
            new LevelRef(legacyLevel.Code, legacyLevel.Name, legacyLevel.NameEn),
            l.Serial);
        return new DecodeResponse(l.Value, "legacyQualification", l.Value, null, legacy, violations);
    }
}

/// <summary>Every verification counted and audited once, also one that failed with a data source down.</summary>
public static class VerificationMetricsEndpoints
{
    /// <summary>What the handler is verifying, so a data source failing mid-way is still audited with it.</summary>
    private sealed class Subject(string caller, string? code)
    {
        public string Caller { get; } = caller;
        public string? Code { get; } = code;
    }

    /// <summary>Says, before verifying, who asks about which code (used only if the verification fails with a data source down).</summary>
    public static void SetVerificationSubject(this HttpContext context, string caller, string? code) => context.Features.Set(new Subject(caller, code));

    /// <summary>
    /// A verification that failed with a data source down (a 503) is still counted and audited, as <see cref="VerificationMetrics.Unavailable"/>,
    /// on <paramref name="channel"/>. Answers are recorded by the handlers themselves, one per code verified.
    /// </summary>
    public static TBuilder RecordsVerifications<TBuilder>(this TBuilder builder, string channel)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception ex) when (ex is DataSourceUnavailableException or System.Data.Common.DbException or TimeoutException)
            {
                var http = context.HttpContext;
                var subject = http.Features.Get<Subject>();
                http.RequestServices.GetRequiredService<VerificationMetrics>().Record(channel,
                    subject?.Caller ?? HolderBindingBudget.CallerOf(http, HolderProof.Details), VerificationMetrics.Unavailable, subject?.Code);
                throw;
            }
        });
}
