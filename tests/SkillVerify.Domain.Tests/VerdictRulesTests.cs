using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Domain.Tests;

/// <summary>
/// One test per rule of domain.md §1–§3 and §5 as corrected for the verdicts issue, each on a record made for
/// it. Each of these failed on the landed main (af33e00); the comment in each says how.
/// </summary>
public class VerdictRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly HolderHasher Hasher = new(new byte[32]);
    private static readonly CodeDecoder Decoder = new(CodeRuleSettings.Default, new FixedTime(Today));

    private static OrganizationRecord Body(string code = "Y000044030006", IReadOnlyList<StatusEvent>? events = null, DateOnly? registeredTo = null,
        IReadOnlyList<ScopeEntry>? scope = null, string? parent = null, string name = "测试机构") => new(
        code, code[0], name, code.Substring(5, 2), parent, null, null, new DateOnly(2020, 1, 1), registeredTo,
        events ?? [new StatusEvent(OrganizationStatus.Registered, new DateOnly(2020, 1, 1), null, 1)],
        scope ?? [new ScopeEntry("6-31-01-03", "电工", null, "X54321TS", new DateOnly(2020, 1, 1), null)],
        [], [], DateTimeOffset.UnixEpoch);

    private static CertificateRecord Cert(string code, DateOnly? issued = null, string? obtained = null, string? workType = null,
        DateOnly? termFrom = null, DateOnly? termTo = null, string review = ReviewState.NotRequired, string? id = null) => new(
        code, code[..13], code[15], issued ?? new DateOnly(2000 + int.Parse(code.AsSpan(13, 2), CultureInfo.InvariantCulture), 6, 15), "6-31-01-03", "电工", workType,
        Hasher.HashName("王小明"), "王*明", id is null ? null : Hasher.HashIdNumber(id), id is null ? null : HolderNormalization.MaskIdNumber(id),
        obtained ?? (code[15] is 'T' or 'S' ? "评聘" : code[15] == 'X' ? "转正定级考核" : "考核"), CertificateStatus.Active, null, null,
        termFrom, termTo, review, DateTimeOffset.UnixEpoch);

    private static VerificationResult Verify(CertificateRecord? record, OrganizationRecord? issuer, string code = "Y000044030006233000123", string? name = "王小明",
        string? id = null, Disclosure disclosure = Disclosure.Anonymous, OrganizationRecord? parent = null) =>
        Verifier.Verify(new VerificationInput(Decoder.Decode(record?.Code ?? code), Lookup<OrganizationRecord>.Of(issuer), Lookup<CertificateRecord>.Of(record),
            new HolderClaim(name is null ? null : Hasher.HashName(name), id is null ? null : Hasher.HashIdNumber(id)), disclosure, Today, Lookup<OrganizationRecord>.Of(parent)));

    private static CheckResult Check(VerificationResult result, string name) => result.Checks.Single(c => c.Name == name);

    // §5 four outcomes ------------------------------------------------------------------------------------

    [Fact]
    public void AWrongNameIsNotFoundNeverInvalid()
    {
        // Landed main: INVALID.
        var result = Verify(Cert("Y000044030006233000123"), Body(), name: "王小名");

        Assert.Equal(Outcome.NotFound, result.Outcome);
        Assert.Null(result.Record);
    }

    [Fact]
    public void AnEndedAppointmentTermIsAGenuineHistoricalTitle()
    {
        // Landed main: INVALID (term.expired as a failure).
        var result = Verify(Cert("Y00004403000622T000007", termFrom: new(2022, 7, 1), termTo: new(2024, 6, 30)), Body());

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal(Standing.Historical, result.Standing);
        Assert.Equal(new DateOnly(2024, 7, 1), result.StandingSince);
    }

    [Fact]
    public void AnAppointmentWhoseTermHasNotBegunIsGenuineAndNotYetInForce()
    {
        // Landed main: INVALID (term.not_started as a failure).
        var result = Verify(Cert("Y00004403000626T000008", issued: new(2026, 6, 1), termFrom: new(2029, 1, 1), termTo: new(2032, 12, 31)), Body());

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal(Standing.NotYetInForce, result.Standing);
        Assert.Equal(new DateOnly(2029, 1, 1), result.StandingSince);
    }

    [Fact]
    public void ARefusedReviewConfirmationIsInvalid()
    {
        // Landed main had no refused state.
        var result = Verify(Cert("Y00004403000623S000004", obtained: "复核确认", termFrom: new(2023, 5, 1), termTo: new(2027, 4, 30), review: ReviewState.Refused), Body());

        Assert.Equal("review.refused", Check(result, Verifier.Review).Code);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Theory]
    [InlineData("Y000044030006234000123")] // 中级工
    [InlineData("Y000044030006231000123")] // 高级技师
    public void AReviewStateOnALevelItDoesNotConcernIsIgnored(string code)
    {
        // Landed main: INVALID for any level with review_state pending.
        var result = Verify(Cert(code, review: ReviewState.Pending), Body());

        Assert.Equal(CheckStatus.NotApplicable, Check(result, Verifier.Review).Status);
        Assert.Equal(Outcome.Valid, result.Outcome);
    }

    [Fact]
    public void AnIdNumberTheRecordDoesNotHoldIsNotComparedNeverAMismatch()
    {
        // Landed main: UNKNOWN (holder.id_not_on_record), and INVALID before that.
        var result = Verify(Cert("Y000044030006233000123"), Body(), id: "110101199003071234", disclosure: Disclosure.Authorized);

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal("holder.match_name_id_not_compared", Check(result, Verifier.Holder).Code);
        Assert.False(result.IdNumberMatched);
    }

    // §2 code and dates ----------------------------------------------------------------------------------

    [Fact]
    public void AnIssueDateAfterTodayInBeijingIsInvalid()
    {
        // Landed main compared the year only: a record dated next month passed.
        var result = Verify(Cert("Y000044030006263000123", issued: Today.AddDays(10)), Body());

        Assert.Equal("issue_date.future", Check(result, Verifier.IssueYear).Code);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public void NewLevelsBeforeTheirFirstDayAreInvalid()
    {
        // Landed main accepted X/T/S on any day of 2022.
        var early = Verify(Cert("Y00004403000622X000001", issued: new(2022, 2, 15)), Body());
        var onTheDay = Verify(Cert("Y00004403000622X000002", issued: new(2022, 3, 1)), Body());

        Assert.Equal("issue_date.level_too_early", Check(early, Verifier.IssueYear).Code);
        Assert.Equal(Outcome.Invalid, early.Outcome);
        Assert.Equal(Outcome.Valid, onTheDay.Outcome);
        Assert.Equal(new DateOnly(2022, 3, 1), ReferenceData.GetLevel('T').SinceDate);
    }

    [Theory]
    [InlineData('5', "评聘", false)]
    [InlineData('5', "以赛代评", true)]
    [InlineData('X', "考核", false)]
    [InlineData('X', "转正定级考核", true)]
    [InlineData('T', "考核", false)]
    [InlineData('T', "复核确认", true)]
    public void HowTheLevelWasObtainedMustFitTheLevel(char level, string obtained, bool fits)
    {
        // Landed main never compared how-obtained with the level.
        var code = $"Y0000440300062{(level is 'X' or 'T' ? "3" : "3")}{level}000123";
        var record = Cert(code, obtained: obtained, termFrom: level == 'T' ? new(2023, 1, 1) : null, termTo: level == 'T' ? new(2027, 1, 1) : null,
            review: obtained == "复核确认" ? ReviewState.Confirmed : ReviewState.NotRequired);

        var result = Verify(record, Body());

        Assert.Equal(fits, ReferenceData.GetLevel(level).MayBeObtainedBy(obtained));
        Assert.Equal(fits ? Outcome.Valid : Outcome.Invalid, result.Outcome);
        Assert.Equal(fits ? "record.found" : "record.obtained_by_mismatch", Check(result, Verifier.Record).Code);
    }

    // §3 registry -----------------------------------------------------------------------------------------

    [Fact]
    public void AScopeThatNamesAWorkTypeCoversOnlyThatWorkType()
    {
        // Landed main ignored the 工种.
        var scope = new ScopeEntry("6-31-01-03", "电工", "维修电工", "54321", new DateOnly(2020, 1, 1), null);
        var other = Verify(Cert("Y000044030006233000123", workType: "安装电工"), Body(scope: [scope]));
        var same = Verify(Cert("Y000044030006233000123", workType: "维修电工"), Body(scope: [scope]));

        Assert.Equal("scope.out_of_scope", Check(other, Verifier.IssuerScope).Code);
        Assert.Equal(Outcome.Invalid, other.Outcome);
        Assert.Equal(Outcome.Valid, same.Outcome);
    }

    [Fact]
    public void ASiteIsEntitledOnlyWhileItsParentIs()
    {
        // Landed main looked at the site alone.
        var parent = Body("Y001111000001", name: "总部", events:
        [
            new(OrganizationStatus.Registered, new(2020, 1, 1), null, 1),
            new(OrganizationStatus.Suspended, new(2023, 1, 1), "评价质量不合格", 2),
        ]);
        var site = Body("Y001112000101", parent: "Y001111000001", name: "天津站点");
        var during = Verify(Cert("Y001112000101233000001"), site, parent: parent);
        var before = Verify(Cert("Y001112000101223000001"), site, parent: parent);

        Assert.Equal("issuer_status.parent_suspended", Check(during, Verifier.IssuerStatus).Code);
        Assert.Equal(Outcome.Invalid, during.Outcome);
        Assert.Equal(Outcome.Valid, before.Outcome);
    }

    [Fact]
    public void TheRegistrationEndDateIsTheFirstDayNotRegisteredLikeAWithdrawalThatDay()
    {
        // Landed main counted the end date as registered, while a withdrawal that day was not.
        var end = new DateOnly(2023, 6, 15);
        var byWindow = Body(registeredTo: end);
        var byEvent = Body(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null, 1), new(OrganizationStatus.Withdrawn, end, "退出", 2)]);

        foreach (var body in new[] { byWindow, byEvent })
        {
            Assert.Equal(OrganizationStatus.Withdrawn, body.StatusOn(end));
            Assert.Equal(OrganizationStatus.Registered, body.StatusOn(end.AddDays(-1)));
            Assert.Equal(Outcome.Invalid, Verify(Cert("Y000044030006233000123", issued: end), body).Outcome);
            Assert.Equal(Outcome.Valid, Verify(Cert("Y000044030006233000123", issued: end.AddDays(-1)), body).Outcome);
        }
    }

    [Fact]
    public void EventsOfOneDayApplyInTheOrderTheyWereRecordedNotByName()
    {
        // Landed main took the alphabetically last status of the day ("suspended" over "registered").
        var day = new DateOnly(2023, 3, 1);
        var body = Body(events:
        [
            new(OrganizationStatus.Registered, new(2020, 1, 1), null, 1),
            new(OrganizationStatus.Registered, day, "恢复", 3),
            new(OrganizationStatus.Suspended, day, "暂停", 2),
        ]);

        Assert.Equal(OrganizationStatus.Registered, body.StatusOn(day));
        Assert.Equal(Outcome.Valid, Verify(Cert("Y000044030006233000123", issued: day), body).Outcome);
    }

    [Fact]
    public void ARetractedEventNoLongerCountsButStaysInTheHistory()
    {
        // Landed main had no way to correct a mistaken event.
        var mistaken = new StatusEvent(OrganizationStatus.Suspended, new(2023, 1, 1), "误录", 2, new StatusRetraction("录入错误：应为另一机构", DateTimeOffset.UnixEpoch));
        var body = Body(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null, 1), mistaken]);

        Assert.Equal(OrganizationStatus.Registered, body.StatusOn(new(2023, 6, 15)));
        Assert.Equal(Outcome.Valid, Verify(Cert("Y000044030006233000123"), body).Outcome);
        Assert.Contains(body.StatusHistory, e => !e.InForce);
    }

    [Fact]
    public void TheLaterStatusSentenceSaysWithdrawnOnce()
    {
        // Landed main wrote "已已退出".
        var body = Body(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null, 1), new(OrganizationStatus.Withdrawn, new(2025, 1, 1), null, 2)]);
        var check = Check(Verify(Cert("Y000044030006233000123"), body), Verifier.IssuerStatus);

        Assert.Equal("issuer_status.ok_later_withdrawn", check.Code);
        Assert.DoesNotContain("已已", check.MessageZh);
        Assert.Contains("已退出", check.MessageZh);
    }

    // §6 names as people type them --------------------------------------------------------------------------

    [Theory]
    [InlineData("王\u200B小明")]
    [InlineData("王小\u200D明")]
    [InlineData("\uFEFF王小明")]
    [InlineData("王\u2060小\u00A0明")]
    public void ZeroWidthCharactersInNamesAreRemovedBeforeHashing(string typed)
    {
        // Landed main hashed the zero-width characters, so a copied name never matched.
        Assert.Equal(Hasher.HashName("王小明"), Hasher.HashName(typed));
        Assert.Equal("王*明", HolderNormalization.MaskName(typed));
    }

    // date-dependent answers --------------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-30T15:59:00Z", 60)]        // 23:59 in Beijing
    [InlineData("2026-11-30T16:00:00Z", 86_400)]    // midnight in Beijing
    [InlineData("2026-12-01T04:00:00Z", 43_200)]    // noon in Beijing
    public void DateDependentAnswersLastUntilTheNextBeijingMidnight(string utc, int seconds)
    {
        var decoder = new CodeDecoder(CodeRuleSettings.Default, new FixedTime(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(TimeSpan.FromSeconds(seconds), decoder.UntilTomorrow);
    }
}
