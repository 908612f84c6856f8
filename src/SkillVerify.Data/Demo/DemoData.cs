using SkillVerify.Data.Generation;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data.Demo;

/// <summary>A demo certificate listed in README: its code, the holder's name and the outcome it shows.</summary>
public sealed record DemoCase(string Code, string HolderName, string Expected, string Shows);

/// <summary>
/// The demo dataset the embedded default starts with: a few hand-made cases, one per outcome worth
/// seeing, on top of a seeded synthetic registry. Every name here is invented.
/// </summary>
public static class DemoData
{
    public const int Seed = 2022_14;

    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>One case per outcome and standing (README's demo table lists exactly these).</summary>
    public static readonly IReadOnlyList<DemoCase> Cases =
    [
        new("Y000044030006233000123", "王小明", "VALID", "高级工 issued by a registered employer, in scope"),
        new("Y001111000001241000001", "李建国", "VALID", "高级技师 issued by a ministry-registered employer (its 工种 电焊工 is in scope)"),
        new("Y00111100000124T000002", "周卫东", "VALID", "特级技师, appointment term current (standing current)"),
        new("Y00004403000622T000007", "赵强", "VALID", "特级技师 whose term ended on 2024-06-30: genuine, a historical title since 2024-07-01 (standing historical)"),
        new("Y00111100000126T000008", "郑华", "VALID", "特级技师 appointed, term from 2029-01-01 (standing not_yet_in_force)"),
        new("S000037020202235000789", "刘芳", "VALID", "issued before its issuer was suspended (the later suspension is shown)"),
        new("Y00004403000623T000003", "周杰", "UNKNOWN", "特级技师 from a pre-2022 title, awaiting 复核确认 (standing pending_review)"),
        new("S000032010101224000456", "张伟", "INVALID", "revoked certificate (撤销)"),
        new("S000037020202255000012", "陈静", "INVALID", "issued while its issuer was suspended"),
        new("Y000044030006242000050", "孙丽", "INVALID", "occupation outside the issuer's scope"),
        new("Y00004403000623S000004", "钱军", "INVALID", "首席技师 whose 复核确认 was refused"),
        new("Y000044030006233000123", "李四", "NOT_FOUND", "a real code with a wrong name: the same bytes as an unknown code"),
        new("Y000044030006233000124", "王小明", "NOT_FOUND", "a code no certificate has"),
    ];

    public static IReadOnlyList<OrganizationRecord> Organizations(DateTimeOffset now)
    {
        List<OrganizationRecord> fixedOnes =
        [
            new("Y000044030006", 'Y', "深圳华强精密制造有限公司", "44", null, "广东省深圳市南山区科技园路8号", "0755-26880000",
                new(2020, 3, 1), null,
                [new(OrganizationStatus.Registered, new(2020, 3, 1), "备案")],
                [
                    new("6-31-01-03", "电工", null, "X54321TS", new(2020, 3, 1), null),
                    new("6-18-01-01", "车工", null, "X54321TS", new(2020, 3, 1), null),
                ],
                [new("首席技能大师", 'S')],
                [new(new(2023, 12, 20), "合格", "2023年度评价质量评估")],
                now),
            new("Y001111000001", 'Y', "中国北方重工集团有限公司", "11", null, "北京市丰台区南四环西路188号", "010-63880000",
                new(2019, 9, 1), null,
                [new(OrganizationStatus.Registered, new(2019, 9, 1), "人社部备案")],
                [
                    new("6-18-02-04", "焊工", "电焊工", "X54321TS", new(2019, 9, 1), null),
                    new("4-12-01-01", "汽车维修工", "汽车机械维修工", "X54321TS", new(2019, 9, 1), null),
                ],
                [], [], now),
            new("Y001112000101", 'Y', "中国北方重工集团有限公司天津分厂", "12", "Y001111000001", "天津市滨海新区港城大道6号", "022-25880000",
                new(2021, 5, 1), null,
                [new(OrganizationStatus.Registered, new(2021, 5, 1), "备案（评价站点）")],
                [new("6-18-02-04", "焊工", "电焊工", "54321", new(2021, 5, 1), null)],
                [], [], now),
            new("S000032010101", 'S', "江苏金陵职业技能评价中心", "32", null, "江苏省南京市鼓楼区中山北路100号", "025-83880000",
                new(2020, 7, 1), null,
                [new(OrganizationStatus.Registered, new(2020, 7, 1), "备案")],
                [
                    new("4-03-02-01", "中式烹调师", null, "54321", new(2020, 7, 1), null),
                    new("4-10-01-05", "养老护理员", null, "5432", new(2020, 7, 1), null),
                ],
                [], [new(new(2024, 1, 10), "合格", null)], now),
            new("S000037020202", 'S', "山东泉城技工学校", "37", null, "山东省济南市历下区泉城路20号", "0531-86880000",
                new(2021, 1, 1), null,
                [
                    new(OrganizationStatus.Registered, new(2021, 1, 1), "备案"),
                    new(OrganizationStatus.Suspended, new(2025, 6, 1), "评价质量评估不合格，暂停评价活动"),
                ],
                [new("4-10-01-02", "育婴员", null, "543", new(2021, 1, 1), null)],
                [], [new(new(2025, 5, 20), "不合格", "2024年度评价质量评估")], now),
        ];
        var synthetic = new SyntheticData(Seed).Organizations(40, now);
        return [.. fixedOnes, .. synthetic];
    }

    public static IEnumerable<CertificateSource> Certificates(IReadOnlyList<OrganizationRecord> organizations)
    {
        yield return Cert("Y000044030006233000123", new(2023, 6, 15), "6-31-01-03", "电工", "王小明", "440305199203154216", "考核");
        yield return Cert("Y001111000001241000001", new(2024, 4, 2), "6-18-02-04", "焊工", "李建国", null, "以赛代评", workType: "电焊工");
        yield return Cert("Y00111100000124T000002", new(2024, 9, 1), "6-18-02-04", "焊工", "周卫东", null, "评聘", workType: "电焊工",
            termFrom: new(2024, 9, 1), termTo: new(2028, 8, 31));
        yield return Cert("S000037020202235000789", new(2023, 11, 20), "4-10-01-02", "育婴员", "刘芳", null, "考核");
        yield return Cert("S000032010101224000456", new(2022, 5, 18), "4-03-02-01", "中式烹调师", "张伟", null, "考核",
            status: CertificateStatus.Revoked, revokedOn: new(2024, 3, 1), reason: "考核舞弊，撤销证书");
        yield return Cert("S000037020202255000012", new(2025, 8, 10), "4-10-01-02", "育婴员", "陈静", null, "考核");
        yield return Cert("Y00004403000622T000007", new(2022, 7, 1), "6-31-01-03", "电工", "赵强", null, "评聘",
            termFrom: new(2022, 7, 1), termTo: new(2024, 6, 30));
        yield return Cert("Y00111100000126T000008", new(2026, 6, 1), "6-18-02-04", "焊工", "郑华", null, "评聘", workType: "电焊工",
            termFrom: new(2029, 1, 1), termTo: new(2032, 12, 31));
        yield return Cert("Y000044030006242000050", new(2024, 10, 8), "4-03-02-01", "中式烹调师", "孙丽", null, "考核");
        // 复核确认 of titles evaluated before the 2022 document: the new certificate awaits (or failed) the review.
        yield return Cert("Y00004403000623T000003", new(2023, 3, 1), "6-31-01-03", "电工", "周杰", null, "复核确认",
            termFrom: new(2023, 3, 1), termTo: new(2027, 2, 28), review: ReviewState.Pending);
        yield return Cert("Y00004403000623S000004", new(2023, 5, 1), "6-31-01-03", "电工", "钱军", null, "复核确认",
            termFrom: new(2023, 5, 1), termTo: new(2027, 4, 30), review: ReviewState.Refused);

        foreach (var c in new SyntheticData(Seed + 1).Certificates(organizations.Skip(5).ToList(), 2_000, new DateOnly(2026, 6, 30)))
        {
            yield return c;
        }
    }

    /// <summary>Migrates and, when the database holds no certificates yet, fills it with the demo dataset.</summary>
    public static async Task<bool> SeedIfEmptyAsync(ISkillVerifyStore store, HolderHasher hasher, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (await store.CountCertificatesAsync(cancellationToken) > 0)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var organizations = Organizations(now);
        await store.UpsertOrganizationsAsync(organizations, cancellationToken);
        var records = Certificates(organizations).Select(c => c.ToRecord(hasher, now)).ToList();
        await store.UpsertCertificatesAsync(records, cancellationToken);
        return true;
    }

    private static CertificateSource Cert(string code, DateOnly issued, string occupation, string occupationName, string holder, string? id, string obtained,
        string? workType = null, string status = CertificateStatus.Active, DateOnly? revokedOn = null, string? reason = null,
        DateOnly? termFrom = null, DateOnly? termTo = null, string review = ReviewState.NotRequired) =>
        new(code, code[..13], code[15], issued, occupation, occupationName, workType, holder, id, obtained, status, revokedOn, reason, termFrom, termTo, review);
}
