using System.Text.Json;
using System.Text.Json.Serialization;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Registry;

/// <summary>Source-generated JSON for these contracts (registered by <c>AddRegistry</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OrganizationDto))]
[JsonSerializable(typeof(OrganizationSearchResponse))]
[JsonSerializable(typeof(IReadOnlyList<LevelDto>))]
public sealed partial class RegistryJson : JsonSerializerContext;

public sealed record OrganizationDto(
    string Code,
    NamedValue Type,
    string Name,
    NamedValue Province,
    string? ParentCode,
    string? Address,
    string? Contact,
    RegistrationDto Registration,
    string CurrentStatus,
    IReadOnlyList<StatusEventDto> StatusHistory,
    IReadOnlyList<ScopeDto> Scope,
    IReadOnlyList<AliasDto> Aliases,
    IReadOnlyList<QualityResultDto> QualityResults,
    DateTimeOffset UpdatedAt);

public sealed record RegistrationDto(string From, string? To);

/// <summary>
/// A status event in the order it was recorded (<c>seq</c>). A retracted event (recorded by mistake, then
/// corrected) stays in the history with <c>retracted</c> set and no longer counts.
/// </summary>
public sealed record StatusEventDto(string Status, string EffectiveDate, string? Reason, long Seq, RetractionDto? Retracted);

public sealed record RetractionDto(string Reason, DateTimeOffset RecordedAt);

public sealed record ScopeDto(string OccupationCode, string OccupationName, string? WorkType, IReadOnlyList<LevelRef> Levels, string ValidFrom, string? ValidTo);

public sealed record AliasDto(string Alias, LevelRef Level);

public sealed record QualityResultDto(string PublishedOn, string Result, string? Note);

public sealed record OrganizationSummaryDto(string Code, NamedValue Type, string Name, NamedValue Province, string? ParentCode, RegistrationDto Registration, string Href);

public sealed record OrganizationSearchResponse(IReadOnlyList<OrganizationSummaryDto> Items, int Page, int PageSize, long Total);

public sealed record LevelDto(
    int Order,
    string Code,
    string Name,
    string NameEn,
    string? Grade,
    string IssuedBy,
    string IssuedByEn,
    IReadOnlyList<string> IssuerTypes,
    string ObtainedBy,
    bool Appointment,
    int? Since,
    string? SinceDate,
    IReadOnlyList<string> ObtainedByAllowed,
    string Requirement);
