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
/// skill-level system): 16 digits, or the 13-digit Shanghai form that is read as if prefixed with 000.
/// </summary>
public readonly record struct LegacyCertificateCode(string Value)
{
    private string Full => Value.Length == 13 ? "000" + Value : Value;

    public bool IsShanghaiForm => Value.Length == 13;
    public string YearDigits => Full[..2];
    public string RegionCode => Full.Substring(2, 2);
    public string CityCode => Full.Substring(4, 2);
    public char AgencyType => Full[6];
    public string AgencySerial => Full.Substring(7, 3);
    public string AgencyCode => Full.Substring(2, 8);
    public char LevelCode => Full[10];
    public string Serial => Full.Substring(11, 5);

    public LegacyRegion? Region => ReferenceData.FindLegacyRegion(RegionCode);
    public LegacyAgencyType? Agency => ReferenceData.FindLegacyAgencyType(AgencyType.ToString());
    public Level Level => ReferenceData.GetLevel(LevelCode);

    public override string ToString() => Value;
}
