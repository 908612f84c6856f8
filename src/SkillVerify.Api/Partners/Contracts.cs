using System.Text.Json;
using System.Text.Json.Serialization;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Partners;

/// <summary>Source-generated JSON for the batch and receipt contracts (registered by <c>AddPartners</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ReceiptContent))]
[JsonSerializable(typeof(ReceiptHeader))]
public sealed partial class PartnersJson : JsonSerializerContext;

/// <summary>POST /api/v1/verifications/batch: up to 1,000 items, each like a single verification request.</summary>
/// <remarks>Items stay raw JSON until each is read on its own, so one malformed item fails alone.</remarks>
public sealed record BatchRequest(JsonElement Items, bool Receipt);

/// <summary>One answer per item, in request order: a result or an error, never both.</summary>
public sealed record BatchItemResult(int Index, VerificationResponse? Result, BatchItemError? Error);

/// <summary>Why one item was not verified: the status it would have had alone (400, 403), a stable code and sentences.</summary>
/// <summary>Why one item was not verified; <c>position</c> is the 1-based position in the code, for a code that cannot be parsed.</summary>
public sealed record BatchItemError(int Status, string Code, string MessageZh, string MessageEn, int? Position = null);

/// <summary>The batch answer. <c>receiptStatus</c>: <c>not_requested</c>, <c>issued</c> or <c>unavailable</c> (no signing key configured on this instance).</summary>
public sealed record BatchResponse(int Count, IReadOnlyList<BatchItemResult> Items, string ReceiptStatus, string? Receipt);
