using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Api.Verification;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Admin;

/// <summary>POST …/revocation: revoke (撤销) a certificate from a date, with a reason.</summary>
public sealed record RevocationRequest(string? Reason, string? EffectiveDate);

/// <summary>POST …/status-events: a registry status change (registered, suspended 暂停, revoked 撤销, withdrawn 退出) from a date.</summary>
public sealed record StatusEventRequest(string? Status, string? EffectiveDate, string? Reason);

/// <summary>POST …/status-events/corrections: a correction event that retracts status event <c>seq</c>, recorded by mistake, with a reason (the history is append-only).</summary>
public sealed record CorrectionRequest(long? Seq, string? Reason);

/// <summary>What the write changed, and whether every instance was told to drop its cached copy. <c>Seq</c>: the status event's sequence number.</summary>
public sealed record AdminWriteResponse(string Code, string Status, string EffectiveDate, string? Reason, bool InvalidatedEverywhere, long? Seq = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RevocationRequest))]
[JsonSerializable(typeof(StatusEventRequest))]
[JsonSerializable(typeof(CorrectionRequest))]
[JsonSerializable(typeof(AdminWriteResponse))]
public sealed partial class AdminJsonContext : JsonSerializerContext;

/// <summary>
/// Admin writes (X-Api-Key): revocations and registry status changes. Each write commits, then evicts the
/// changed records on every instance (<see cref="CacheInvalidator"/>), so all of them answer from the new data within a second.
/// </summary>
public static class AdminApi
{
    public const int MaxReasonLength = 200;

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(ApiKeyPolicies.Admin).RequireRateLimiting(ApiRateLimitPolicy.Name);

        group.MapPost("/certificates/{code}/revocation", RevokeCertificate)
            .WithName("RevokeCertificate")
            .WithSummary("撤销证书 · Revoke a certificate")
            .WithDescription("自生效日期起撤销证书并写明原因；所有实例在一秒内改答。\n\nRevoke (撤销) a certificate from an effective date, with a reason; every instance answers from the new data within a second.")
            .Accepts<RevocationRequest>("application/json")
            .Produces<AdminWriteResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/organizations/{organizationCode}/status-events", AddStatusEvent)
            .WithName("AddOrganizationStatusEvent")
            .WithSummary("登记机构状态变化 · Record a registry status change")
            .WithDescription("登记评价机构的状态变化（备案、暂停、撤销、退出）及生效日期；所有实例在一秒内改答。\n\nRecord an organization's status change (registered, suspended, revoked, withdrawn) from a date; every instance answers from the new data within a second.")
            .Accepts<StatusEventRequest>("application/json")
            .Produces<AdminWriteResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/organizations/{organizationCode}/status-events/corrections", RetractStatusEvent)
            .WithName("RetractOrganizationStatusEvent")
            .WithSummary("撤回误录的状态记录 · Retract a status event recorded by mistake")
            .WithDescription("以一条更正记录撤回误录的状态记录（写明原因，不删除任何记录）；所有实例在一秒内改答。\n\nRetract a status event recorded by mistake with a correction naming it and a reason; nothing is deleted, and every instance answers from the new data within a second.")
            .Accepts<CorrectionRequest>("application/json")
            .Produces<AdminWriteResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Add(AdminJsonContext.Default));
        return builder;
    }

    private static async Task<Results<Ok<AdminWriteResponse>, ProblemHttpResult>> RevokeCertificate(
        string code, HttpContext context, CodeDecoder decoder, ISkillVerifyStore store, CacheInvalidator invalidator, VerificationAudit audit, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var parsed = CodeParser.Parse(code);
        if (parsed.Error is { } error)
        {
            return Problems.InvalidCode(error);
        }
        if (parsed.Code is not { } certificateCode)
        {
            return Problems.BadRequest("admin.legacy_code", "只能撤销职业技能等级证书（22位编号），旧版职业资格证书不在本库中。",
                "Only skill-level certificates (22-character codes) can be revoked here; legacy qualification certificates are not held.");
        }
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, AdminJsonContext.Default.RevocationRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (ValidateReason(request!.Reason, required: true) is { } reasonProblem)
        {
            return reasonProblem;
        }
        if (ValidateDate(request.EffectiveDate, decoder.Today, out var effective) is { } dateProblem)
        {
            return dateProblem;
        }
        // From the primary: a certificate imported a moment ago may not have reached a read replica yet.
        var record = await store.FindCertificateOnPrimaryAsync(certificateCode.Value, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound("certificate.not_found", $"没有编号为 {certificateCode.Value} 的证书。", $"No certificate with code {certificateCode.Value} is held.");
        }
        if (effective < record.IssueDate)
        {
            return Problems.BadRequest("request.effective_date_before_issue", "撤销生效日期（effectiveDate）不能早于发证日期。",
                $"The effective date (effectiveDate) cannot be before the certificate's issue date {record.IssueDate:yyyy-MM-dd}.");
        }
        var reason = request.Reason!.Trim();
        if (!await store.RevokeCertificateAsync(certificateCode.Value, effective, reason, cancellationToken))
        {
            return Problems.NotFound("certificate.not_found", $"没有编号为 {certificateCode.Value} 的证书。", $"No certificate with code {certificateCode.Value} is held.");
        }
        audit.WriteAdmin(Who(context), $"revoked (effective {Iso(effective)}) certificate", VerificationAudit.MaskCode(certificateCode.Value), reason);
        var everywhere = await invalidator.InvalidateAsync(CacheInvalidation.ForCertificates(certificateCode.Value), cancellationToken);
        return TypedResults.Ok(new AdminWriteResponse(certificateCode.Value, "revoked", Iso(effective), reason, everywhere));
    }

    private static async Task<Results<Ok<AdminWriteResponse>, ProblemHttpResult>> AddStatusEvent(
        string organizationCode, HttpContext context, CodeDecoder decoder, ISkillVerifyStore store, CacheInvalidator invalidator, VerificationAudit audit, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var (code, error) = CodeParser.ParseOrganizationCode(organizationCode);
        if (error is not null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The organization code is not valid.", error.Code, error.MessageZh, error.MessageEn, error.Position);
        }
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, AdminJsonContext.Default.StatusEventRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var status = request!.Status?.Trim().ToLowerInvariant();
        if (status is null || !OrganizationStatus.IsKnown(status))
        {
            return Problems.BadRequest("request.status",
                "状态（status）应为 registered（备案）、suspended（暂停）、revoked（撤销）或 withdrawn（退出）。",
                "The status must be one of: registered, suspended, revoked, withdrawn.");
        }
        if (ValidateDate(request.EffectiveDate, decoder.Today, out var effective) is { } dateProblem)
        {
            return dateProblem;
        }
        if (ValidateReason(request.Reason, required: false) is { } reasonProblem)
        {
            return reasonProblem;
        }
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (await store.AddStatusEventAsync(code!, new StatusEvent(status, effective, reason), cancellationToken) is not { } seq)
        {
            return Problems.NotFound("organization.not_found", $"评价机构目录中没有机构代码为 {code} 的机构。", $"No body with organization code {code} is on the registry.");
        }
        audit.WriteAdmin(Who(context), $"organization status {status} from {Iso(effective)} for", code!, reason);
        var everywhere = await invalidator.InvalidateAsync(CacheInvalidation.ForOrganizations(code!), cancellationToken);
        return TypedResults.Ok(new AdminWriteResponse(code!, status, Iso(effective), reason, everywhere, seq));
    }

    private static async Task<Results<Ok<AdminWriteResponse>, ProblemHttpResult>> RetractStatusEvent(
        string organizationCode, HttpContext context, CodeDecoder decoder, ISkillVerifyStore store, CacheInvalidator invalidator, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var (code, error) = CodeParser.ParseOrganizationCode(organizationCode);
        if (error is not null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The organization code is not valid.", error.Code, error.MessageZh, error.MessageEn, error.Position);
        }
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, AdminJsonContext.Default.CorrectionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (request!.Seq is not (> 0 and var seq))
        {
            return Problems.BadRequest("request.seq_required", "请填写要撤回的状态记录序号（seq，见机构状态历史）。",
                "Give the number (seq) of the status event to retract, as listed in the organization's status history.");
        }
        if (ValidateReason(request.Reason, required: true) is { } reasonProblem)
        {
            return reasonProblem;
        }
        var reason = request.Reason!.Trim();
        switch (await store.RetractStatusEventAsync(code!, seq, reason, cancellationToken))
        {
            case CorrectionOutcome.NoSuchEvent:
                return Problems.NotFound("status_event.not_found", $"机构 {code} 没有序号为 {seq} 的状态记录。", $"Organization {code} has no status event number {seq}.");
            case CorrectionOutcome.AlreadyRetracted:
                return Problems.Create(StatusCodes.Status409Conflict, "Already retracted.", "status_event.already_retracted",
                    $"机构 {code} 的第 {seq} 条状态记录已被更正撤回。", $"Status event {seq} of organization {code} has already been retracted.", null);
        }
        var everywhere = await invalidator.InvalidateAsync(CacheInvalidation.ForOrganizations(code!), cancellationToken);
        return TypedResults.Ok(new AdminWriteResponse(code!, "retracted", Iso(decoder.Today), reason, everywhere, seq));
    }

    private static ProblemHttpResult? ValidateReason(string? reason, bool required)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return required
                ? Problems.BadRequest("request.reason_required", "请填写原因（reason）。", "A reason (reason) is required.")
                : null;
        }
        if (reason.Trim().Length > MaxReasonLength)
        {
            return Problems.BadRequest("request.reason_too_long", $"原因（reason）最多{MaxReasonLength}个字符。", $"The reason (reason) is limited to {MaxReasonLength} characters.");
        }
        // A reason is published with the record and written to the audit: control characters, bidi overrides,
        // zero-width and line separators would garble both (or forge a log line), so they are refused, not stripped.
        for (var i = 0; i < reason.Length; i++)
        {
            if (char.GetUnicodeCategory(reason, i) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate)
            {
                var shown = $"U+{(int)reason[i]:X4}";
                return Problems.BadRequest("request.reason_invalid_character",
                    $"原因（reason）第 {i + 1} 个字符 {shown} 是控制字符或不可见字符，请删除。",
                    $"Character {i + 1} of the reason (reason), {shown}, is a control or invisible character: remove it.");
            }
        }
        return null;
    }

    private static ProblemHttpResult? ValidateDate(string? text, DateOnly today, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Problems.BadRequest("request.effective_date_required", "请填写生效日期（effectiveDate，格式 yyyy-MM-dd）。", "An effective date (effectiveDate, yyyy-MM-dd) is required.");
        }
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return Problems.BadRequest("request.effective_date", "生效日期（effectiveDate）应为 yyyy-MM-dd 格式的日期。", "The effective date (effectiveDate) must be a date in yyyy-MM-dd form.");
        }
        if (date > today)
        {
            return Problems.BadRequest("request.effective_date_future", "生效日期（effectiveDate）不能晚于今天。", "The effective date (effectiveDate) cannot be in the future.");
        }
        return null;
    }

    private static string Who(HttpContext context) => context.Who()!;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
