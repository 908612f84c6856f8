using System.Globalization;
using SkillVerify.Data;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;

namespace SkillVerify.IntegrationTests.Store;

/// <summary>
/// The store's behaviour, written once and run over every engine that runs here (SQLite, PostgreSQL).
/// Every test gets its own fresh database.
/// </summary>
public abstract class StoreTests<TProvider> : IAsyncLifetime where TProvider : IStoreProvider, new()
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 8, 30, 0, TimeSpan.Zero);
    private readonly TProvider provider = new();
    private DapperStore store = null!;

    protected static HolderHasher Hasher { get; } = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public async Task InitializeAsync()
    {
        store = new DapperStore(await provider.CreateAsync(), new FixedTime(Now), 30);
        await store.MigrateAsync();
    }

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task MigratingTwiceChangesNothing()
    {
        await store.MigrateAsync();
        Assert.True(await store.CanConnectAsync());
        Assert.Equal(0, (await store.GetSnapshotAsync()).Version);
        Assert.Equal(0, await store.CountCertificatesAsync());
    }

    [Fact]
    public async Task CertificateReadsBackAsWritten()
    {
        var certificate = Certificate("Y000044030006233000123", name: "欧阳娜娜", id: "430102199001011234") with
        {
            LevelCode = '3',
            TermFrom = new DateOnly(2023, 3, 1),
            TermTo = new DateOnly(2027, 2, 28),
            WorkType = "电焊工",
        };
        var bare = Certificate("S000044030007244000001", name: "李四", id: null);
        await store.UpsertCertificatesAsync([certificate, bare]);

        Assert.Equal(certificate, await store.FindCertificateAsync(certificate.Code), RecordComparer.Instance);
        Assert.Equal(bare, await store.FindCertificateAsync(bare.Code), RecordComparer.Instance);
        Assert.Null(await store.FindCertificateAsync("Y000044030006233999999"));
        Assert.Equal(2, await store.CountCertificatesAsync());
    }

    [Fact]
    public async Task UpsertingACertificateAgainUpdatesIt()
    {
        var certificate = Certificate("Y000044030006233000123", name: "张三丰", id: null);
        await store.UpsertCertificatesAsync([certificate]);
        await store.UpsertCertificatesAsync([certificate with { OccupationName = "电工（高压）", Status = CertificateStatus.Revoked, RevokedOn = new DateOnly(2024, 1, 2) }]);

        var stored = await store.FindCertificateAsync(certificate.Code);
        Assert.Equal("电工（高压）", stored!.OccupationName);
        Assert.Equal(CertificateStatus.Revoked, stored.Status);
        Assert.Equal(1, await store.CountCertificatesAsync());
    }

    [Fact]
    public async Task RevokingMarksTheCertificateAndUnknownCodesReportFalse()
    {
        var certificate = Certificate("Y000044030006233000123", name: "张三丰", id: null);
        await store.UpsertCertificatesAsync([certificate]);

        Assert.True(await store.RevokeCertificateAsync(certificate.Code, new DateOnly(2025, 5, 1), "考核违规"));
        Assert.False(await store.RevokeCertificateAsync("Y000044030006233999999", new DateOnly(2025, 5, 1), "考核违规"));
        var stored = await store.FindCertificateAsync(certificate.Code);
        Assert.Equal((CertificateStatus.Revoked, new DateOnly(2025, 5, 1), "考核违规"), (stored!.Status, stored.RevokedOn, stored.RevocationReason));
    }

    [Fact]
    public async Task OrganizationReadsBackWithHistoryScopeAliasesAndQuality()
    {
        var organization = Organization("Y000044030006", "深圳精密制造有限公司", "44");
        await store.UpsertOrganizationsAsync([organization]);

        var stored = await store.FindOrganizationAsync(organization.Code);
        Assert.NotNull(stored);
        Assert.Equal((organization.Name, organization.Type, organization.Province, organization.RegisteredFrom, organization.RegisteredTo),
            (stored.Name, stored.Type, stored.Province, stored.RegisteredFrom, stored.RegisteredTo));
        // Each event gets its recorded order (seq) from the database.
        Assert.Equal(organization.StatusHistory, stored.StatusHistory.Select(e => e with { Seq = 0 }));
        Assert.True(stored.StatusHistory.All(e => e.Seq > 0) && stored.StatusHistory.Select(e => e.Seq).Distinct().Count() == stored.StatusHistory.Count);
        Assert.Equal(organization.Scope.OrderBy(s => s.OccupationCode), stored.Scope);
        Assert.Equal(organization.Aliases, stored.Aliases);
        Assert.Equal(organization.QualityResults, stored.QualityResults);
        Assert.Equal(Now, stored.UpdatedAt);
        Assert.Null(await store.FindOrganizationAsync("Y000044039999"));
        Assert.Equal(1, (await store.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task TheWholeRegistryReadsAsEachOrganizationDoes()
    {
        // ReadAllOrganizationsAsync streams every table at once (and shares repeated strings): it must give what
        // FindOrganizationAsync gives one by one, a retracted event, an organization with nothing under it and a site included.
        await store.UpsertOrganizationsAsync([
            Organization("Y000044030006", "深圳精密制造有限公司", "44"),
            Organization("S000011000001", "北京技能人才评价服务中心", "11"),
            Organization("S000044030002", "广州评价站点", "44") with { ParentCode = "S000011000001", StatusHistory = [], Scope = [], Aliases = [], QualityResults = [] },
        ]);
        var seq = await store.AddStatusEventAsync("S000011000001", new StatusEvent(OrganizationStatus.Suspended, new DateOnly(2024, 6, 1), "评价质量评估不合格"));
        Assert.Equal(CorrectionOutcome.Retracted, await store.RetractStatusEventAsync("S000011000001", seq!.Value, "录入错误"));

        var all = await store.ReadAllOrganizationsAsync();
        Assert.Equal(["S000011000001", "S000044030002", "Y000044030006"], all.Select(o => o.Code).Order(StringComparer.Ordinal));
        foreach (var read in all)
        {
            var one = await store.FindOrganizationAsync(read.Code);
            Assert.NotNull(one);
            Assert.Equal(one with { StatusHistory = [], Scope = [], Aliases = [], QualityResults = [] }, read with { StatusHistory = [], Scope = [], Aliases = [], QualityResults = [] });
            Assert.Equal(one.StatusHistory, read.StatusHistory);
            Assert.Equal(one.Scope, read.Scope);
            Assert.Equal(one.Aliases, read.Aliases);
            Assert.Equal(one.QualityResults, read.QualityResults);
        }
        var retracted = Assert.Single(all.Single(o => o.Code == "S000011000001").StatusHistory, e => e.Seq == seq);
        Assert.Equal("录入错误", retracted.Retraction?.Reason);
        Assert.Equal(OrganizationStatus.Registered, all.Single(o => o.Code == "S000011000001").StatusOn(new DateOnly(2024, 7, 1)));
    }

    [Fact]
    public async Task StatusEventIsRecordedAndBumpsTheSnapshot()
    {
        await store.UpsertOrganizationsAsync([Organization("S000011000001", "北京技能人才评价服务中心", "11")]);
        var before = (await store.GetSnapshotAsync()).Version;

        Assert.NotNull(await store.AddStatusEventAsync("S000011000001", new StatusEvent(OrganizationStatus.Suspended, new DateOnly(2024, 6, 1), "评价质量评估不合格")));
        Assert.Null(await store.AddStatusEventAsync("S000011999999", new StatusEvent(OrganizationStatus.Suspended, new DateOnly(2024, 6, 1), null)));

        var stored = await store.FindOrganizationAsync("S000011000001");
        Assert.Equal(OrganizationStatus.Suspended, stored!.StatusOn(new DateOnly(2024, 7, 1)));
        Assert.Equal(before + 1, (await store.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task SearchFiltersByProvinceTypeTextAndOccupationAndPages()
    {
        await store.UpsertOrganizationsAsync(
        [
            Organization("Y000044030006", "深圳精密制造有限公司", "44"),
            Organization("S000044030007", "广东技师学院", "44"),
            Organization("S000011000001", "北京技师学院", "11"),
        ]);

        var all = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, null, null, 1, 2));
        Assert.Equal(3, all.Total);
        Assert.Equal(["S000011000001", "S000044030007"], all.Items.Select(i => i.Code));
        var second = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, null, null, 2, 2));
        Assert.Equal(["Y000044030006"], second.Items.Select(i => i.Code));

        var guangdongSchools = await store.SearchOrganizationsAsync(new OrganizationQuery("44", 'S', null, null, 1, 10));
        Assert.Equal(["S000044030007"], guangdongSchools.Items.Select(i => i.Code));
        var byText = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, "技师学院", "6-31-01-03", 1, 10));
        Assert.Equal(2, byText.Total);
        Assert.Equal(["S000011000001", "S000044030007"], byText.Items.Select(i => i.Code));
        var byCodePrefix = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, "Y0000", null, 1, 10));
        Assert.Equal(["Y000044030006"], byCodePrefix.Items.Select(i => i.Code));
    }

    [Theory]
    [InlineData("%", "S000044030008")]
    [InlineData("_", "S000044030009")]
    [InlineData("[", "S000044030010")]
    [InlineData("!", "S000044030011")]
    [InlineData("100%", "S000044030008")]
    [InlineData("[A-Z]", null)]
    [InlineData("广东%学院", null)]
    [InlineData("S_000", null)]
    public async Task SearchTextMatchesWildcardCharactersLiterally(string text, string? only)
    {
        await store.UpsertOrganizationsAsync(
        [
            Organization("S000044030007", "广东技师学院", "44"),
            Organization("S000044030008", "就业率100%职业学校", "44"),
            Organization("S000044030009", "技能_评价中心", "44"),
            Organization("S000044030010", "[示范]培训学校", "44"),
            Organization("S000044030011", "优秀!评价机构", "44"),
        ]);

        var found = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, text, null, 1, 10));

        Assert.Equal(only is null ? [] : [only], found.Items.Select(i => i.Code));
    }

    /// <summary>
    /// The brief's three searches, each beside a name it would match were its characters wildcards: "50%" (any text
    /// holding "50"), "a_b" (any one character between), "[x]" (a character class on SQL Server: an "x").
    /// </summary>
    [Theory]
    [InlineData("50%", "S000044030021")]
    [InlineData("a_b", "S000044030023")]
    [InlineData("[x]", "S000044030025")]
    public async Task SearchForWildcardTextFindsOnlyTheLiteralName(string text, string only)
    {
        await store.UpsertOrganizationsAsync(
        [
            Organization("S000044030021", "通过率50%培训中心", "44"),
            Organization("S000044030022", "通过率500人培训中心", "44"),
            Organization("S000044030023", "a_b技能评价中心", "44"),
            Organization("S000044030024", "aXb技能评价中心", "44"),
            Organization("S000044030025", "[x]示范学校", "44"),
            Organization("S000044030026", "x示范学校", "44"),
        ]);

        var found = await store.SearchOrganizationsAsync(new OrganizationQuery(null, null, text, null, 1, 10));

        Assert.Equal([only], found.Items.Select(i => i.Code));
        Assert.Equal(1, found.Total);
    }

    private static CertificateRecord Certificate(string code, string name, string? id) => new(
        code, code[..13], code[15], new DateOnly(2000 + int.Parse(code.AsSpan(13, 2), CultureInfo.InvariantCulture), 3, 1), "6-31-01-03", "电工", null,
        Hasher.HashName(name), HolderNormalization.MaskName(name),
        id is null ? null : Hasher.HashIdNumber(id), id is null ? null : HolderNormalization.MaskIdNumber(id),
        "考核", CertificateStatus.Active, null, null, null, null, ReviewState.NotRequired, Now);

    private static OrganizationRecord Organization(string code, string name, string province) => new(
        code, code[0], name, province, null, "技能路1号", "020-12345678", new DateOnly(2020, 1, 1), null,
        [new StatusEvent(OrganizationStatus.Registered, new DateOnly(2020, 1, 1), "备案")],
        [new ScopeEntry("6-31-01-03", "电工", null, "54321", new DateOnly(2020, 1, 1), null), new ScopeEntry("6-18-02-04", "焊工", "电焊工", "543", new DateOnly(2021, 1, 1), new DateOnly(2025, 12, 31))],
        code[0] == 'Y' ? [new OrganizationAlias("首席技能大师", 'S')] : [],
        [new QualityResult(new DateOnly(2021, 6, 30), "合格", null)],
        Now);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Records hold byte arrays, which compare by reference; compare those by content.</summary>
    private sealed class RecordComparer : IEqualityComparer<CertificateRecord?>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(CertificateRecord? x, CertificateRecord? y) =>
            x is not null && y is not null
            && x with { NameHash = [], IdHash = null } == y with { NameHash = [], IdHash = null }
            && x.NameHash.AsSpan().SequenceEqual(y.NameHash)
            && (x.IdHash ?? []).AsSpan().SequenceEqual(y.IdHash ?? []) && (x.IdHash is null) == (y.IdHash is null);

        public int GetHashCode(CertificateRecord? obj) => obj?.Code.GetHashCode() ?? 0;
    }
}

public sealed class SqliteStoreTests : StoreTests<SqliteProvider>;

public sealed class PostgresStoreTests : StoreTests<PostgresProvider>;
