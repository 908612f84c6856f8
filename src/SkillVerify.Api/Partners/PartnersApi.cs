using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Api.Verification;
using SkillVerify.Data.Partners;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Api.Partners;

/// <summary>
/// Batch verification for partners (other provinces). What a partner sees per item is what a caller
/// who typed the same code, name and ID number would see: a partner key buys volume (batches, its own
/// quota), ID-number matching and receipts — not a code-only view of records, since codes are
/// guessable and a batch of 1,000 neighbouring codes must not become a list of masked names.
/// </summary>
public static class PartnersApi
{
    public const int MaxItems = 1_000;

    /// <summary>1,000 items of a code, a name and an ID number fit with room to spare; a 1,001-item batch is still read, and refused by count.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The batch request's items and receipt in the OpenAPI document, where the limit lives (a document transformer added by <c>AddPartners</c>).</summary>
    internal static Task DescribeBatchRequest(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is { } schemas && schemas.TryGetValue("BatchRequest", out var b) && b is OpenApiSchema batch && batch.Properties is not null)
        {
            batch.Properties["items"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                MinItems = 1,
                MaxItems = MaxItems,
                Items = new OpenApiSchemaReference("VerificationRequest", document),
                Description = "要核验的证书，每条同单条核验请求；有问题的条目单独失败 · The certificates to verify, each like a single request; a bad item fails alone",
            };
            batch.Properties["receipt"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Boolean,
                Default = false,
                Description = "true：附签名回执（JWS）· true: add a signed receipt (JWS)",
            };
        }
        return Task.CompletedTask;
    }

    public static RouteGroupBuilder MapPartners(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Partners").RequireAuthorization(ApiKeyPolicies.PartnerBatch).RequireRateLimiting(ApiRateLimitPolicy.Name);

        group.MapPost("/verifications/batch", VerifyBatch)
            .WithName("VerifyBatch")
            .WithSummary("批量核验 · Verify a batch")
            .WithDescription("合作方密钥（须有批量授权）一次核验最多1,000条，每条一个结果，按请求顺序；有问题的条目单独失败。一批 N 条计 N 次限额；超过1,000条为 413，整批不处理。receipt 为 true 时附签名回执（JWS ES256）。\n\n" +
                "With a partner key that has the batch scope: up to 1,000 certificates at once, one answer per item in request order; a bad item fails alone. A batch of N counts N against the quota; over 1,000 items is a 413 and nothing is verified. With receipt true the answer carries a signed receipt (JWS ES256).")
            .Accepts<BatchRequest>("application/json")
            .Produces<BatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RecordsVerifications(VerificationChannels.Batch);

        return group;
    }

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> VerifyBatch(
        HttpContext context, VerificationService verifier, CodeDecoder decoder, HolderBindingBudget budget, VerificationMetrics metrics, IReceiptIssuer receipts, TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Partner answers speak of people: no shared cache may keep them.
        context.Response.Headers.CacheControl = "no-store";
        var partner = context.GetPartner()!;
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, PartnersJson.Default.BatchRequest, cancellationToken, MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (request!.Items.ValueKind != JsonValueKind.Array)
        {
            return Problems.BadRequest("request.items_required", "请求中缺少 items 数组。", "The request has no items array.");
        }
        var count = request.Items.GetArrayLength();
        if (count == 0)
        {
            return Problems.BadRequest("request.items_empty", "items 数组为空。", "The items array is empty.");
        }
        if (count > MaxItems)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Too many items.", "batch.too_many_items",
                $"一次批量核验最多 {MaxItems} 条，本次有 {count} 条。请拆分为多批提交；本次未核验任何一条（不会截断处理）。",
                $"A batch holds at most {MaxItems:N0} items; this one has {count:N0}. Split it into several batches; nothing was verified (a batch is never truncated).", null);
        }
        if (count > 1 && await TakeBatchPermitsAsync(context, count, cancellationToken) is { } limited)
        {
            return limited;
        }
        // Every item is a holder check on the key's budget, taken whole or refused whole.
        var decision = await budget.TryTakeAsync(context, VerificationChannels.Batch, null, HolderProof.Details, count, cancellationToken);
        if (!decision.Allowed)
        {
            return decision.ToProblem(context);
        }

        var items = request.Items.EnumerateArray().ToArray();
        var results = new BatchItemResult[count];
        var forwarded = context.Request.Headers.ContainsKey(PeerClient.ForwardedHeader);
        context.SetVerificationSubject(decision.Caller, null);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await VerifyItemAsync(i, items[i], partner, verifier, decoder, forwarded, token));
        // One audit record per item verified (items refused as malformed or out of scope were not verified).
        foreach (var item in results)
        {
            if (item.Result is { } answered)
            {
                metrics.Record(VerificationChannels.Batch, decision.Caller, answered.Outcome, CodeOf(items[item.Index]));
            }
        }

        var (receiptStatus, receipt) = ("not_requested", (string?)null);
        if (request.Receipt)
        {
            var content = new ReceiptContent(partner.Id, partner.Name, time.GetUtcNow(), results.Select(r => new ReceiptItem(r.Index,
                r.Result?.Certificate?.Code ?? CanonicalOrNull(decoder, items[r.Index]), r.Result?.Outcome, r.Error?.Code,
                r.Result?.Freshness.RegistrySnapshot, r.Result?.AnsweredBy?.Province)).ToList());
            receipt = await receipts.IssueAsync(content, cancellationToken);
            receiptStatus = receipt is null ? "unavailable" : "issued";
        }
        return TypedResults.Ok(new BatchResponse(count, results, receiptStatus, receipt));
    }

    /// <summary>A batch of N counts N against the partner's quota (the middleware took one); refused whole, never in part.</summary>
    private static async Task<ProblemHttpResult?> TakeBatchPermitsAsync(HttpContext context, int count, CancellationToken cancellationToken)
    {
        if (RequestWindow.Of(context) is not { } window)
        {
            return null;
        }
        if (window.Limit is var limit && count > limit)
        {
            return Problems.Create(StatusCodes.Status429TooManyRequests, "Batch larger than the quota.", "rate_limit.batch_exceeds_quota",
                $"本批 {count} 条，超过该 API 密钥每分钟 {limit} 次的配额，请拆分为更小的批次。",
                $"This batch of {count} items exceeds this key's quota of {limit} requests per minute; split it into smaller batches.", null);
        }
        var taken = await window.TakeMoreAsync(count - 1, cancellationToken);
        return !taken.Acquired
            ? Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests.", "rate_limit.exceeded",
                $"本批 {count} 条超出本分钟剩余配额 {taken.Remaining + 1} 次，请按 Retry-After 所示秒数后再试。",
                $"This batch of {count} items exceeds the {taken.Remaining + 1} requests left this minute; try again after the seconds in Retry-After.", null)
            : null;
    }

    private static async Task<BatchItemResult> VerifyItemAsync(int index, JsonElement element, ApiPartner partner, VerificationService verifier, CodeDecoder decoder,
        bool forwarded, CancellationToken cancellationToken)
    {
        VerificationRequest? item = null;
        if (element.ValueKind == JsonValueKind.Object)
        {
            try
            {
                item = element.Deserialize(VerificationJson.Default.VerificationRequest);
            }
            catch (JsonException)
            {
                item = null;
            }
        }
        if (item is null)
        {
            return Failed(index, new BatchItemError(StatusCodes.Status400BadRequest, "request.invalid_item",
                "该条不是有效的核验请求（应为含 code、holderName、idNumber 字符串字段的对象）。",
                "This item is not a valid verification request (an object with string fields code, holderName, idNumber)."));
        }
        if (VerificationApi.Validate(item) is { } invalid)
        {
            var extensions = invalid.ProblemDetails.Extensions;
            return Failed(index, new BatchItemError(StatusCodes.Status400BadRequest, (string)extensions["code"]!, (string)extensions["messageZh"]!, (string)extensions["messageEn"]!));
        }
        var decoded = decoder.Decode(item.Code);
        if (decoded.Parse.Error is { } codeError)
        {
            // As the single endpoint: a code that cannot be parsed is a typing error to correct, not a verdict.
            return Failed(index, new BatchItemError(StatusCodes.Status400BadRequest, codeError.Code, codeError.MessageZh, codeError.MessageEn, codeError.Position));
        }
        if (PartnerAccess.ScopeError(partner, decoded.Code?.ProvinceCode, item.IdNumber) is { } denied)
        {
            return Failed(index, denied);
        }
        var result = await verifier.AnswerAsync(item.Code, item.HolderName, item.IdNumber, forwarded, cancellationToken);
        return new BatchItemResult(index, result, null);
    }

    private static BatchItemResult Failed(int index, BatchItemError error) => new(index, null, error);

    private static string? CodeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;

    private static string? CanonicalOrNull(CodeDecoder decoder, JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            ? decoder.Decode(code.GetString()).Code?.Value
            : null;
}
