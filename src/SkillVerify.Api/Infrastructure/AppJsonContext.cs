using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using SkillVerify.Api.Partners;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Registry;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Infrastructure;

/// <summary>Source-generated JSON for every request and response type: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(VerificationResponse))]
[JsonSerializable(typeof(DecodeResponse))]
[JsonSerializable(typeof(OrganizationDto))]
[JsonSerializable(typeof(OrganizationSearchResponse))]
[JsonSerializable(typeof(IReadOnlyList<LevelDto>))]
[JsonSerializable(typeof(ScanRequest))]
[JsonSerializable(typeof(ScanResponse))]
[JsonSerializable(typeof(JsonWebKeySetDto))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ReceiptContent))]
[JsonSerializable(typeof(ReceiptHeader))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
public sealed partial class AppJsonContext : JsonSerializerContext;
