using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkillVerify.Domain.Reference;

/// <summary>One of the eight levels of 职业技能等级（岗位）序列 (附件 of 人社部发〔2022〕14号).</summary>
public sealed record Level(
    int Order,
    string Code,
    string Name,
    string NameEn,
    string? Grade,
    string Issuers,
    string IssuedBy,
    string IssuedByEn,
    string ObtainedBy,
    IReadOnlyList<string> ObtainedByAllowed,
    bool Appointment,
    DateOnly? SinceDate,
    string Requirement)
{
    public char CodeChar => Code[0];

    /// <summary>The first year the level exists (X/T/S: the 2022 document), null for the levels that always existed.</summary>
    public int? Since => SinceDate?.Year;

    /// <summary>How a level may be obtained (domain.md §1): X by 转正定级考核, T/S by 评聘 or 复核确认, 5–1 by 考核, 以赛代评 or 直接认定.</summary>
    public bool MayBeObtainedBy(string obtainedBy) => ObtainedByAllowed.Contains(obtainedBy, StringComparer.Ordinal);

    /// <summary>复核确认 concerns only the titles above 高级技师 (特级技师 / 首席技师): the appointment levels.</summary>
    public bool NeedsReviewState => Appointment;

    /// <summary>Whether a body of type <paramref name="bodyType"/> (Y or S) may issue this level.</summary>
    public bool IssuableBy(char bodyType) => Issuers.Contains(bodyType);
}

public sealed record Province(string Code, string Name, string NameEn, bool Assumed = false);

public sealed record LegacyRegion(string Code, string Name, string NameEn, string Kind);

public sealed record LegacyAgencyType(string Code, string Name, string NameEn);

/// <summary>
/// Reference tables kept as data (embedded JSON beside this file), so an assumed fact can be
/// corrected without touching logic.
/// </summary>
public static class ReferenceData
{
    public static IReadOnlyList<Level> Levels { get; } = Load("levels.json", ReferenceJson.Default.LevelArray);
    public static IReadOnlyList<Province> Provinces { get; } = Load("provinces.json", ReferenceJson.Default.ProvinceArray);
    public static IReadOnlyList<LegacyRegion> LegacyRegions { get; } = Load("legacy-regions.json", ReferenceJson.Default.LegacyRegionArray);
    public static IReadOnlyList<LegacyAgencyType> LegacyAgencyTypes { get; } = Load("legacy-agency-types.json", ReferenceJson.Default.LegacyAgencyTypeArray);

    private static readonly FrozenDictionary<char, Level> LevelsByCode = Levels.ToFrozenDictionary(l => l.CodeChar);
    private static readonly FrozenDictionary<string, Province> ProvincesByCode = Provinces.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, LegacyRegion> LegacyRegionsByCode = LegacyRegions.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, LegacyAgencyType> LegacyAgencyTypesByCode = LegacyAgencyTypes.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);

    public static Level? FindLevel(char code) => LevelsByCode.GetValueOrDefault(code);

    public static Level GetLevel(char code) => LevelsByCode.TryGetValue(code, out var level)
        ? level
        : throw new ArgumentOutOfRangeException(nameof(code), code, "Not a level code.");

    public static Province? FindProvince(ReadOnlySpan<char> code) =>
        ProvincesByCode.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out var p) ? p : null;

    public static LegacyRegion? FindLegacyRegion(string code) => LegacyRegionsByCode.GetValueOrDefault(code);

    public static LegacyAgencyType? FindLegacyAgencyType(string code) => LegacyAgencyTypesByCode.GetValueOrDefault(code);

    private static T[] Load<T>(string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T[]> info)
    {
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream("SkillVerify.Reference." + name)
            ?? throw new InvalidOperationException($"Reference table {name} is missing from the assembly.");
        return JsonSerializer.Deserialize(stream, info) ?? throw new InvalidOperationException($"Reference table {name} is empty.");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Level[]))]
[JsonSerializable(typeof(Province[]))]
[JsonSerializable(typeof(LegacyRegion[]))]
[JsonSerializable(typeof(LegacyAgencyType[]))]
internal sealed partial class ReferenceJson : JsonSerializerContext;
