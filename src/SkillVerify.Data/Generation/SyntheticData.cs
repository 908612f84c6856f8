using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data.Generation;

/// <summary>Plain values of a certificate before personal data is hashed and masked.</summary>
public sealed record CertificateSource(
    string Code, string IssuerCode, char LevelCode, DateOnly IssueDate, string OccupationCode, string OccupationName, string? WorkType,
    string HolderName, string? IdNumber, string ObtainedBy, string Status, DateOnly? RevokedOn, string? RevocationReason,
    DateOnly? TermFrom, DateOnly? TermTo, string ReviewState)
{
    /// <summary>Hashes and masks the holder's name and ID number: the plaintext goes no further.</summary>
    public CertificateRecord ToRecord(HolderHasher hasher, DateTimeOffset updatedAt) => new(
        Code, IssuerCode, LevelCode, IssueDate, OccupationCode, OccupationName, WorkType,
        hasher.HashName(HolderName), HolderNormalization.MaskName(HolderName),
        IdNumber is null ? null : hasher.HashIdNumber(IdNumber), IdNumber is null ? null : HolderNormalization.MaskIdNumber(IdNumber),
        ObtainedBy, Status, RevokedOn, RevocationReason, TermFrom, TermTo, ReviewState, updatedAt);
}

public sealed record Occupation(string Code, string Name, string? WorkType);

/// <summary>
/// Reproducible, realistic synthetic data: organizations across provinces and both types with sites,
/// scopes and dated status changes; certificates with a plausible level mix, Chinese names and 2022
/// occupation codes. The same seed gives the same data.
/// </summary>
public sealed class SyntheticData(int seed)
{
    private readonly Random random = new(seed);

    public static readonly IReadOnlyList<Occupation> Occupations =
    [
        new("6-31-01-03", "电工", null),
        new("6-18-01-01", "车工", null),
        new("6-18-01-02", "铣工", null),
        new("6-18-02-04", "焊工", "电焊工"),
        new("4-03-02-01", "中式烹调师", null),
        new("4-03-02-02", "中式面点师", null),
        new("4-10-01-02", "育婴员", null),
        new("4-10-01-05", "养老护理员", null),
        new("4-04-05-05", "人工智能训练师", null),
        new("6-29-01-01", "砌筑工", null),
        new("4-12-01-01", "汽车维修工", "汽车机械维修工"),
        new("4-10-01-01", "保育师", null),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高", "欧阳", "司马"];
    private static readonly string[] GivenChars = ["伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂", "华", "建", "国", "文", "红", "玉", "兰"];
    private static readonly string[] CompanyWords = ["精密制造", "电力工程", "汽车零部件", "建设集团", "餐饮管理", "重工机械", "智能科技", "轨道交通", "石化装备", "家政服务"];
    private static readonly string[] SchoolWords = ["职业技能评价中心", "技师学院", "职业培训学校", "技工学校", "技能人才评价服务中心"];
    private static readonly string[] Cities = ["东城", "浦江", "华南", "中原", "金陵", "西湖", "泉城", "天府", "江汉", "长安", "湘江", "燕赵"];

    public string NextName()
    {
        var surname = Surnames[random.Next(Surnames.Length)];
        var given = random.Next(3) == 0 ? GivenChars[random.Next(GivenChars.Length)] : GivenChars[random.Next(GivenChars.Length)] + GivenChars[random.Next(GivenChars.Length)];
        return surname + given;
    }

    /// <summary>An 18-character resident ID number with a valid check character (synthetic: random birth date and sequence).</summary>
    public string NextIdNumber(string province)
    {
        var birth = new DateOnly(1965, 1, 1).AddDays(random.Next(365 * 40));
        var body = $"{province}{random.Next(1, 20):00}{random.Next(1, 30):00}{birth:yyyyMMdd}{random.Next(0, 1000):000}";
        ReadOnlySpan<int> weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++) { sum += (body[i] - '0') * weights[i]; }
        return body + "10X98765432"[sum % 11];
    }

    /// <summary>Generates <paramref name="count"/> organizations; roughly one in four is a site of another body.</summary>
    public List<OrganizationRecord> Organizations(int count, DateTimeOffset updatedAt)
    {
        var result = new List<OrganizationRecord>(count);
        var provinces = ReferenceData.Provinces;
        var used = new HashSet<string>(StringComparer.Ordinal);
        while (result.Count < count)
        {
            var type = random.Next(2) == 0 ? 'Y' : 'S';
            var province = provinces[random.Next(provinces.Count)];
            var ministry = random.Next(5) == 0 ? random.Next(1, 10000).ToString("0000", CultureInfo.InvariantCulture) : "0000";
            var code = $"{type}{ministry}{province.Code}{random.Next(1, 1_000_000):000000}";
            if (!used.Add(code))
            {
                continue;
            }
            var city = Cities[random.Next(Cities.Length)];
            var name = type == 'Y'
                ? $"{province.Name}{city}{CompanyWords[random.Next(CompanyWords.Length)]}有限公司"
                : $"{province.Name}{city}{SchoolWords[random.Next(SchoolWords.Length)]}";
            var from = new DateOnly(2019, 6, 1).AddDays(random.Next(900));
            var parent = result.Count > 4 && random.Next(4) == 0 ? result[random.Next(result.Count)] : null;
            if (parent is not null && (parent.Type != type || parent.ParentCode is not null))
            {
                parent = null;
            }
            var events = new List<StatusEvent> { new(OrganizationStatus.Registered, from, "备案") };
            DateOnly? to = null;
            var fate = random.Next(20);
            if (fate == 0)
            {
                events.Add(new(OrganizationStatus.Suspended, from.AddDays(400 + random.Next(600)), "评价质量评估不合格，暂停评价活动"));
            }
            else if (fate == 1)
            {
                events.Add(new(OrganizationStatus.Revoked, from.AddDays(500 + random.Next(600)), "违规颁证，撤销备案"));
            }
            else if (fate == 2)
            {
                var end = from.AddDays(600 + random.Next(500));
                events.Add(new(OrganizationStatus.Withdrawn, end, "主动退出"));
                to = end;
            }
            var scope = new List<ScopeEntry>();
            foreach (var occupation in Occupations.OrderBy(_ => random.Next()).Take(2 + random.Next(3)))
            {
                scope.Add(new ScopeEntry(occupation.Code, occupation.Name, occupation.WorkType, type == 'Y' ? "X54321TS" : "54321", from, null));
            }
            var aliases = type == 'Y' && random.Next(5) == 0 ? new List<OrganizationAlias> { new("首席技能大师", 'S') } : [];
            var quality = random.Next(3) == 0 ? new List<QualityResult> { new(from.AddDays(365), random.Next(6) == 0 ? "不合格" : "合格", null) } : [];
            result.Add(new OrganizationRecord(code, type, name, province.Code, parent?.Code, $"{province.Name}{city}区技能路{random.Next(1, 300)}号",
                $"0{random.Next(10, 99)}-{random.Next(10_000_000, 99_999_999)}", from, to, events, scope, aliases, quality, updatedAt));
        }
        return result;
    }

    // Plausible level mix: most certificates are 初级/中级/高级工.
    private static readonly (char Level, int Weight)[] LevelMix = [('5', 30), ('4', 30), ('3', 22), ('2', 9), ('1', 4), ('X', 3), ('T', 1), ('S', 1)];

    /// <summary>Certificates issued by the given organizations within their scopes, mostly while registered.</summary>
    public IEnumerable<CertificateSource> Certificates(IReadOnlyList<OrganizationRecord> issuers, int count, DateOnly today)
    {
        var serials = new Dictionary<(string, int), int>();
        for (var i = 0; i < count; i++)
        {
            yield return Certificate(issuers[random.Next(issuers.Count)], serials, today);
        }
    }

    /// <summary>
    /// The same kind of certificates, streamed in code order (issuer, year, level, serial), as an upstream
    /// system exporting by primary key would. Only one issuer's certificates are held at a time.
    /// </summary>
    public IEnumerable<CertificateSource> CertificatesInCodeOrder(IReadOnlyList<OrganizationRecord> issuers, int count, DateOnly today)
    {
        var sorted = issuers.OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
        var perIssuer = new int[sorted.Count];
        for (var i = 0; i < count; i++)
        {
            perIssuer[random.Next(sorted.Count)]++;
        }
        for (var i = 0; i < sorted.Count; i++)
        {
            var serials = new Dictionary<(string, int), int>();
            var batch = new List<CertificateSource>(perIssuer[i]);
            for (var n = 0; n < perIssuer[i]; n++)
            {
                batch.Add(Certificate(sorted[i], serials, today));
            }
            batch.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
            foreach (var c in batch)
            {
                yield return c;
            }
        }
    }

    private CertificateSource Certificate(OrganizationRecord issuer, Dictionary<(string, int), int> serials, DateOnly today)
    {
        var total = 100;
        var pick = random.Next(total);
        var level = LevelMix.First(m => (pick -= m.Weight) < 0).Level;
        if (issuer.Type == 'S' && level is 'X' or 'T' or 'S')
        {
            level = '4';
        }
        // X/T/S exist from the 2022 document's first day (reference data).
        var first = level is 'X' or 'T' or 'S'
            ? Max(issuer.RegisteredFrom, ReferenceData.GetLevel(level).SinceDate!.Value)
            : issuer.RegisteredFrom > new DateOnly(2022, 1, 1) ? Max(issuer.RegisteredFrom, new DateOnly(2022, 1, 1)) : issuer.RegisteredFrom;
        var span = today.DayNumber - first.DayNumber;
        var date = first.AddDays(random.Next(Math.Max(1, span)));
        var scope = issuer.Scope[random.Next(issuer.Scope.Count)];
        var key = (issuer.Code, date.Year);
        var serial = serials[key] = serials.GetValueOrDefault(key) + 1;
        var code = CertificateCode.Format(issuer.Type, issuer.Code.Substring(1, 4), issuer.Code.Substring(5, 2), issuer.Code.Substring(7, 6), date.Year, level, serial.ToString("000000", CultureInfo.InvariantCulture));
        var revoked = random.Next(200) == 0;
        DateOnly? termFrom = null, termTo = null;
        if (level is 'T' or 'S')
        {
            termFrom = date;
            termTo = date.AddYears(random.Next(3) == 0 ? 1 : 4).AddDays(-1);
        }
        // 复核确认 concerns only T/S titles carried over from before the 2022 document.
        var reviewed = level is 'T' or 'S' && random.Next(5) == 0;
        var review = reviewed ? (random.Next(4) == 0 ? ReviewState.Pending : ReviewState.Confirmed) : ReviewState.NotRequired;
        var obtained = reviewed ? "复核确认" : level is 'T' or 'S' ? "评聘" : level == 'X' ? "转正定级考核" : new[] { "考核", "考核", "考核", "以赛代评", "直接认定" }[random.Next(5)];
        return new CertificateSource(code, issuer.Code, level, date, scope.OccupationCode, scope.OccupationName, scope.WorkType,
            NextName(), random.Next(2) == 0 ? NextIdNumber(issuer.Province) : null, obtained,
            revoked ? CertificateStatus.Revoked : CertificateStatus.Active, revoked ? date.AddDays(30 + random.Next(300)) : null,
            revoked ? "考核违规，撤销证书" : null, termFrom, termTo, review);
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
