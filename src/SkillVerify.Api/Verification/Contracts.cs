using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkillVerify.Api.Verification;

/// <summary>Source-generated JSON for the verification contracts: no reflection on the hot path (registered by <c>AddVerification</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(VerificationResponse))]
[JsonSerializable(typeof(DecodeResponse))]
public sealed partial class VerificationJson : JsonSerializerContext;

/// <summary>POST /api/v1/verifications. POST, so that names never sit in URLs.</summary>
public sealed record VerificationRequest(string? Code, string? HolderName, string? IdNumber);

/// <summary>
/// <c>outcome</c>: <c>VALID</c> (有效), <c>INVALID</c> (无效: cannot be genuine, or void), <c>NOT_FOUND</c> (未查到相符的证书:
/// no certificate matches this code and these holder details — check what was typed), <c>UNKNOWN</c> (无法确认).
/// </summary>
public sealed record VerificationResponse(
    string Outcome,
    IReadOnlyList<CheckDto> Checks,
    CertificateDto? Certificate,
    FreshnessDto Freshness,
    AnsweredByDto? AnsweredBy = null);

/// <summary>
/// Which instance answered (跨区域互认): <c>local</c> (this instance's data), <c>peer</c> (forwarded to the
/// province's instance), <c>no_peer</c> (another province with no peer configured: registry checks only),
/// <c>peer_unavailable</c> (the peer did not answer in time: UNKNOWN).
/// </summary>
public sealed record AnsweredByDto(string Source, string? Province, string? ProvinceName);

public sealed record CheckDto(string Name, string Status, string Code, string MessageZh, string MessageEn);

public sealed record CertificateDto(
    string Code,
    LevelRef Level,
    OccupationDto Occupation,
    string IssueDate,
    IssuerDto Issuer,
    string Status,
    string? RevokedOn,
    string? RevocationReason,
    string ObtainedBy,
    AppointmentTermDto? AppointmentTerm,
    string ReviewState,
    string HolderNameMasked,
    string? IdNumberMasked,
    string? Standing,
    string? StandingSince);

public sealed record LevelRef(string Code, string Name, string NameEn);

public sealed record OccupationDto(string Code, string Name, string? WorkType);

public sealed record IssuerDto(string Code, string? Name, string? CurrentStatus, string Href);

public sealed record AppointmentTermDto(string From, string To, bool Current);

/// <summary>How fresh the answer's data is: the registry snapshot, the record's last update, and whether it came from cache.</summary>
public sealed record FreshnessDto(long RegistrySnapshot, DateTimeOffset RegistryUpdatedAt, DateTimeOffset? RecordUpdatedAt, bool FromCache);

/// <summary>GET /api/v1/codes/{code}: the decoded parts, no data access, no personal data.</summary>
public sealed record DecodeResponse(
    string Canonical,
    string Kind,
    string Display,
    CodePartsDto? Parts,
    LegacyPartsDto? Legacy,
    IReadOnlyList<ViolationDto> Violations);

public sealed record CodePartsDto(
    NamedValue BodyType,
    string MinistryBodyCode,
    string RegisteredWith,
    NamedValue Province,
    string SiteSerial,
    string OrganizationCode,
    int IssueYear,
    LevelRef Level,
    string Serial);

public sealed record LegacyPartsDto(
    bool ShanghaiForm,
    string YearDigits,
    int IssueYear,
    NamedValue Region,
    string CityCode,
    NamedValue AgencyType,
    string AgencySerial,
    string AgencyCode,
    LevelRef Level,
    string Serial);

/// <summary>A coded value with its names; the names are null when the code is not on the reference table.</summary>
public sealed record NamedValue(string Code, string? Name, string? NameEn);

public sealed record ViolationDto(string Check, string Code, int Position, string MessageZh, string MessageEn);
