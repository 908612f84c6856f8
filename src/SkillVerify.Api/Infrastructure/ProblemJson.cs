using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace SkillVerify.Api.Infrastructure;

/// <summary>
/// Source-generated JSON for the problem answers. Each feature registers its own context beside its contracts
/// (<c>VerificationJson</c>, <c>RegistryJson</c>, …), so this folder knows none of them.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
public sealed partial class ProblemJson : JsonSerializerContext;
