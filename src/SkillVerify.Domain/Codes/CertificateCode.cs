using SkillVerify.Domain.Reference;

namespace SkillVerify.Domain.Codes;

/// <summary>
/// A structurally valid 22-character 职业技能等级证书编号:
/// <c>Y 0000 44 030006 23 3 000123</c> = body type · ministry body code · province · site serial ·
/// issue year · level · certificate serial. Positions 1–13 are the issuing body's organization code.
/// </summary>
public readonly record struct CertificateCode(string Value)
{
    public const int Length = 22;
    public const int OrganizationCodeLength = 13;

    public char BodyType => Value[0];
    public string MinistryBodyCode => Value.Substring(1, 4);
    public string ProvinceCode => Value.Substring(5, 2);
    public string SiteSerial => Value.Substring(7, 6);
    public string OrganizationCode => Value[..OrganizationCodeLength];
    public int IssueYear => 2000 + (Value[13] - '0') * 10 + (Value[14] - '0');
    public char LevelCode => Value[15];
    public string Serial => Value.Substring(16, 6);

    public Level Level => ReferenceData.GetLevel(LevelCode);
    public Province? Province => ReferenceData.FindProvince(Value.AsSpan(5, 2));

    /// <summary>True when the body first registered with a province rather than the ministry (code 0000).</summary>
    public bool RegisteredWithProvince => Value.AsSpan(1, 4).SequenceEqual("0000");

    /// <summary>The canonical form, built from the parts (the inverse of parsing).</summary>
    public static string Format(char bodyType, string ministryBodyCode, string provinceCode, string siteSerial, int issueYear, char levelCode, string serial) =>
        string.Concat(bodyType.ToString(), ministryBodyCode, provinceCode, siteSerial, (issueYear % 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture), levelCode.ToString(), serial);

    /// <summary>The code with spaces between its groups, for reading.</summary>
    public string ToDisplayString() => $"{BodyType} {MinistryBodyCode} {ProvinceCode} {SiteSerial} {Value.Substring(13, 2)} {LevelCode} {Serial}";

    /// <summary>The code with the certificate serial masked, for logs (a full code is personal-data adjacent).</summary>
    public string ToMaskedString() => string.Concat(Value.AsSpan(0, 16), "******");

    public override string ToString() => Value;
}

/// <summary>
/// A structurally valid vocational qualification certificate number (职业资格证书, before the
/// skill-level system). 16 digits: year (2) · province-or-industry code of the old ministry table (2) ·
/// city (2) · agency type (1) · agency serial (3) · level (1) · serial (5). 13 digits: the old Shanghai
/// form, year (2) · district (2) · agency type (1) · agency serial (3) · level (1) · serial (4)
/// <i>(assumed: no official layout was available)</i>; it carries no region digits and is always 上海.
/// </summary>
public readonly record struct LegacyCertificateCode(string Value)
{
    /// <summary>The region of every 13-digit number: Shanghai (GB/T 2260 code 31, as the form has no region digits).</summary>
    public static readonly LegacyRegion Shanghai = new("31", "上海", "Shanghai", "province");

    public bool IsShanghaiForm => Value.Length == 13;
    private int Shift => IsShanghaiForm ? 2 : 0;

    public string YearDigits => Value[..2];
    public string RegionCode => IsShanghaiForm ? Shanghai.Code : Value.Substring(2, 2);
    public string CityCode => Value.Substring(4 - Shift, 2);
    public char AgencyType => Value[6 - Shift];
    public string AgencySerial => Value.Substring(7 - Shift, 3);
    /// <summary>The agency code: positions 3–10 of a 16-digit number, 3–8 of a Shanghai number.</summary>
    public string AgencyCode => Value.Substring(2, 8 - Shift);
    public char LevelCode => Value[10 - Shift];
    public string Serial => Value[(11 - Shift)..];

    /// <summary>The region on the old table; null when the table does not know the code (shown as unknown, never an error).</summary>
    public LegacyRegion? Region => IsShanghaiForm ? Shanghai : ReferenceData.FindLegacyRegion(RegionCode);
    public LegacyAgencyType? Agency => ReferenceData.FindLegacyAgencyType(AgencyType.ToString());
    public Level Level => ReferenceData.GetLevel(LevelCode);

    /// <summary>0-based index of the agency type and of the level digit, for errors.</summary>
    public static (int Agency, int Level) Indexes(int length) => length == 13 ? (4, 8) : (6, 10);

    public override string ToString() => Value;
}
