using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Domain.Tests;

public class VerifierTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly HolderHasher Hasher = new(new byte[32]);
    private static readonly CodeDecoder Decoder = new(CodeRuleSettings.Default, new FixedTime(Today));

    private static OrganizationRecord Issuer(string code = "Y000044030006", IReadOnlyList<StatusEvent>? events = null, DateOnly? registeredTo = null,
        IReadOnlyList<ScopeEntry>? scope = null, string province = "44") => new(
        code, code[0], "测试机构", province, null, null, null, new DateOnly(2020, 1, 1), registeredTo,
        events ?? [new StatusEvent(OrganizationStatus.Registered, new DateOnly(2020, 1, 1), null)],
        scope ?? [new ScopeEntry("6-31-01-03", "电工", null, "X54321TS", new DateOnly(2020, 1, 1), null)],
        [], [], DateTimeOffset.UnixEpoch);

    private static CertificateRecord Record(string code = "Y000044030006233000123", DateOnly? issued = null, string occupation = "6-31-01-03",
        string status = CertificateStatus.Active, DateOnly? termFrom = null, DateOnly? termTo = null, string review = ReviewState.NotRequired, string? id = null,
        string? obtained = null, string? workType = null) => new(
        code, code[..13], code[15], issued ?? new DateOnly(2000 + int.Parse(code.AsSpan(13, 2), CultureInfo.InvariantCulture), 6, 15), occupation, "电工", workType,
        Hasher.HashName("王小明"), "王*明", id is null ? null : Hasher.HashIdNumber(id), id is null ? null : HolderNormalization.MaskIdNumber(id),
        obtained ?? (code[15] is 'T' or 'S' ? "评聘" : code[15] == 'X' ? "转正定级考核" : "考核"), status, status == CertificateStatus.Revoked ? new DateOnly(2024, 3, 1) : null, status == CertificateStatus.Revoked ? "舞弊" : null,
        termFrom, termTo, review, DateTimeOffset.UnixEpoch);

    private static VerificationResult Verify(string code, OrganizationRecord? issuer, CertificateRecord? record, string? name = "王小明", string? id = null,
        Disclosure disclosure = Disclosure.Anonymous, Unavailability? issuerDown = null, Unavailability? recordsDown = null, OrganizationRecord? parent = null) =>
        Verifier.Verify(new VerificationInput(Decoder.Decode(code),
            issuerDown is { } i ? Lookup<OrganizationRecord>.Unavailable(i) : Lookup<OrganizationRecord>.Of(issuer),
            recordsDown is { } r ? Lookup<CertificateRecord>.Unavailable(r) : Lookup<CertificateRecord>.Of(record),
            new HolderClaim(name is null ? null : Hasher.HashName(name), id is null ? null : Hasher.HashIdNumber(id)), disclosure, Today, Lookup<OrganizationRecord>.Of(parent)));

    private static CheckResult Check(VerificationResult result, string name) => result.Checks.Single(c => c.Name == name);

    [Fact]
    public void AGenuineCertificateWithTheRightNameIsValidAndEveryCheckIsReported()
    {
        var result = Verify("Y000044030006233000123", Issuer(), Record());

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal(Verifier.CheckNames, result.Checks.Select(c => c.Name));
        Assert.All(result.Checks, c => Assert.True(c.Status is CheckStatus.Pass or CheckStatus.NotApplicable, c.Code));
        Assert.NotNull(result.Record);
    }

    [Fact]
    public void NameMatchingIgnoresSpacingAndWidth()
    {
        Assert.Equal(Outcome.Valid, Verify("Y000044030006233000123", Issuer(), Record(), name: " 王 小明 ").Outcome);
    }

    [Fact]
    public void AnUndecodableCodeFailsTheFormatCheckAndNothingElseRuns()
    {
        var result = Verify("Y00004403000623300012X", Issuer(), Record());

        // Most often a typo: "check what you typed", never "fake".
        Assert.Equal(Outcome.NotFound, result.Outcome);
        Assert.Equal("code.serial", Check(result, Verifier.Format).Code);
        Assert.All(result.Checks.Skip(1), c => Assert.Equal(CheckStatus.NotApplicable, c.Status));
    }

    [Fact]
    public void ASocialOrganizationIssuingAnApprenticeCertificateFailsTheIssuerLevelCheck()
    {
        var result = Verify("S00003201010123X000001", Issuer("S000032010101", province: "32"), null);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Equal(CheckStatus.Fail, Check(result, Verifier.IssuerLevel).Status);
    }

    [Fact]
    public void AnImplausibleIssueYearFailsTheIssueYearCheck()
    {
        var result = Verify("Y00004403000621T000001", Issuer(), null);

        Assert.Equal("issue_year.level_too_early", Check(result, Verifier.IssueYear).Code);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public void AnIssuerMissingFromTheRegistryMeansNoCertificateMatches()
    {
        var result = Verify("Y000044030006233000123", null, Record());

        Assert.Equal("issuer.not_found", Check(result, Verifier.IssuerRegistry).Code);
        Assert.Equal(Outcome.NotFound, result.Outcome);
    }

    [Fact]
    public void AnIssuerInAnotherProvinceThanTheCodeSaysFails()
    {
        var result = Verify("Y000044030006233000123", Issuer(province: "45"), Record());

        Assert.Equal("issuer.province_mismatch", Check(result, Verifier.IssuerRegistry).Code);
    }

    [Fact]
    public void ACertificateIssuedWhileTheIssuerWasSuspendedFails()
    {
        var issuer = Issuer(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null), new(OrganizationStatus.Suspended, new(2023, 3, 1), "质量不合格")]);

        var result = Verify("Y000044030006233000123", issuer, Record(issued: new(2023, 6, 15)));

        Assert.Equal("issuer_status.suspended", Check(result, Verifier.IssuerStatus).Code);
        Assert.Contains("2023-06-15", Check(result, Verifier.IssuerStatus).MessageEn);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public void ALaterRevocationOfTheIssuerDoesNotVoidEarlierCertificatesButIsShown()
    {
        var issuer = Issuer(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null), new(OrganizationStatus.Revoked, new(2025, 1, 1), "违规")]);

        var result = Verify("Y000044030006233000123", issuer, Record(issued: new(2023, 6, 15)));

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal("issuer_status.ok_later_revoked", Check(result, Verifier.IssuerStatus).Code);
    }

    [Fact]
    public void ACertificateIssuedAfterTheRegistrationWindowClosedFails()
    {
        var result = Verify("Y000044030006233000123", Issuer(registeredTo: new(2022, 12, 31)), Record(issued: new(2023, 6, 15)));

        Assert.Equal(CheckStatus.Fail, Check(result, Verifier.IssuerStatus).Status);
    }

    [Fact]
    public void AnOccupationOutsideTheIssuersScopeOnTheIssueDateFails()
    {
        var result = Verify("Y000044030006233000123", Issuer(), Record(occupation: "4-03-02-01"));

        Assert.Equal("scope.out_of_scope", Check(result, Verifier.IssuerScope).Code);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public void AScopeThatStartedAfterTheIssueDateDoesNotCover()
    {
        var issuer = Issuer(scope: [new("6-31-01-03", "电工", null, "54321", new(2024, 1, 1), null)]);

        Assert.Equal(CheckStatus.Fail, Check(Verify("Y000044030006233000123", issuer, Record()), Verifier.IssuerScope).Status);
    }

    [Fact]
    public void AScopeWithoutTheCertificatesLevelDoesNotCover()
    {
        var issuer = Issuer(scope: [new("6-31-01-03", "电工", null, "54", new(2020, 1, 1), null)]);

        Assert.Equal(CheckStatus.Fail, Check(Verify("Y000044030006233000123", issuer, Record()), Verifier.IssuerScope).Status);
    }

    [Fact]
    public void ARecordThatDisagreesWithItsCodeFails()
    {
        var record = Record() with { IssueDate = new DateOnly(2022, 6, 1) };

        Assert.Equal("record.inconsistent", Check(Verify("Y000044030006233000123", Issuer(), record), Verifier.Record).Code);
    }

    [Fact]
    public void ARevokedCertificateIsInvalid()
    {
        var result = Verify("Y000044030006233000123", Issuer(), Record(status: CertificateStatus.Revoked));

        Assert.Equal("status.revoked", Check(result, Verifier.Revocation).Code);
        Assert.Contains("2024-03-01", Check(result, Verifier.Revocation).MessageEn);
        Assert.Equal(Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public void AnExpiredAppointmentTermMakesTheTitleHistorical()
    {
        var result = Verify("Y00004403000622T000007", Issuer(), Record("Y00004403000622T000007", termFrom: new(2022, 7, 1), termTo: new(2024, 6, 30)));

        Assert.Equal("term.historical", Check(result, Verifier.AppointmentTerm).Code);
        Assert.Contains("historical", Check(result, Verifier.AppointmentTerm).MessageEn);
        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal(Standing.Historical, result.Standing);
        Assert.Equal(new DateOnly(2024, 7, 1), result.StandingSince);
    }

    [Fact]
    public void ACurrentAppointmentTermPasses()
    {
        var result = Verify("Y00004403000624T000001", Issuer(), Record("Y00004403000624T000001", termFrom: new(2024, 1, 1), termTo: new(2028, 12, 31)));

        Assert.Equal("term.current", Check(result, Verifier.AppointmentTerm).Code);
        Assert.Equal(Outcome.Valid, result.Outcome);
    }

    [Fact]
    public void AnAppointmentWithoutATermCannotBeValid()
    {
        var result = Verify("Y00004403000624T000001", Issuer(), Record("Y00004403000624T000001"));

        Assert.Equal(CheckStatus.Unknown, Check(result, Verifier.AppointmentTerm).Status);
        Assert.Equal(Outcome.Unknown, result.Outcome);
    }

    [Fact]
    public void APendingReviewConfirmationCannotBeConfirmedYet()
    {
        var result = Verify("Y00004403000623T000003", Issuer(),
            Record("Y00004403000623T000003", review: ReviewState.Pending, obtained: "复核确认", termFrom: new(2023, 1, 1), termTo: new(2027, 12, 31)));

        Assert.Equal("review.pending", Check(result, Verifier.Review).Code);
        Assert.Equal(Outcome.Unknown, result.Outcome);
        Assert.Equal(Standing.PendingReview, result.Standing);
    }

    [Fact]
    public void AWrongNameAndAnUnknownCodeGiveTheSameChecks()
    {
        var wrongName = Verify("Y000044030006233000123", Issuer(), Record(), name: "李四");
        var unknown = Verify("Y000044030006233000124", Issuer(), null, name: "李四");

        Assert.Equal(Outcome.NotFound, wrongName.Outcome);
        Assert.Equal(unknown.Checks, wrongName.Checks);
        Assert.Null(wrongName.Record);
        Assert.Null(unknown.Record);
    }

    [Fact]
    public void ACodeAloneDisclosesNothingAndCannotBeValid()
    {
        var known = Verify("Y000044030006233000123", Issuer(), Record(), name: null);
        var unknown = Verify("Y000044030006233000124", Issuer(), null, name: null);

        Assert.Equal(Outcome.Unknown, known.Outcome);
        Assert.Equal("holder.name_required", Check(known, Verifier.Holder).Code);
        Assert.Null(known.Record);
        Assert.Equal(unknown.Checks, known.Checks);
    }

    [Fact]
    public void AnAuthorizedCallerSeesTheRecordWithoutAName()
    {
        var result = Verify("Y000044030006233000123", Issuer(), Record(), name: null, disclosure: Disclosure.Authorized);

        Assert.Equal(Outcome.Valid, result.Outcome);
        Assert.Equal("holder.authorized", Check(result, Verifier.Holder).Code);
        Assert.NotNull(result.Record);
    }

    [Fact]
    public void AnIdNumberMustMatchTooWhenGiven()
    {
        const string id = "440305199203154216";
        Assert.Equal(Outcome.Valid, Verify("Y000044030006233000123", Issuer(), Record(id: id), id: id).Outcome);
        Assert.True(Verify("Y000044030006233000123", Issuer(), Record(id: id), id: id).IdNumberMatched);
        Assert.Equal(Outcome.NotFound, Verify("Y000044030006233000123", Issuer(), Record(id: id), id: "440305199203154217").Outcome);
    }

    [Fact]
    public void AnUnavailableDataSourceGivesUnknownNeverValid()
    {
        var result = Verify("Y000044030006233000123", null, null, issuerDown: Unavailability.DataSource, recordsDown: Unavailability.DataSource);

        Assert.Equal(Outcome.Unknown, result.Outcome);
        Assert.Equal(CheckStatus.Unknown, Check(result, Verifier.IssuerRegistry).Status);
        Assert.Equal(CheckStatus.Unknown, Check(result, Verifier.Record).Status);
    }

    [Fact]
    public void RecordsHeldByAnUnconnectedProvinceLeaveTheRecordChecksUnknownAndSaySo()
    {
        var result = Verify("Y000044030006233000123", Issuer(), null, recordsDown: Unavailability.NoPeer);

        Assert.Equal(Outcome.Unknown, result.Outcome);
        Assert.Equal("issuer.found", Check(result, Verifier.IssuerRegistry).Code);
        Assert.Null(result.Record);
        Assert.All(result.Checks.Skip(Verifier.CheckNames.ToList().IndexOf(Verifier.IssuerScope)), c =>
        {
            Assert.Equal(CheckStatus.Unknown, c.Status);
            Assert.Equal("federation.no_peer", c.Code);
            Assert.Contains("44", c.MessageZh);
        });
    }

    [Fact]
    public void APeerThatDoesNotAnswerLeavesEveryCheckUnknownNeverValidOrInvalid()
    {
        // Even a code the rules alone would call INVALID (an S body issuing X): the peer holds the truth about it.
        foreach (var code in new[] { "Y000044030006233000123", "S00003201010123X000001" })
        {
            var result = Verify(code, Issuer(), Record(), recordsDown: Unavailability.PeerUnreachable);

            Assert.Equal(Outcome.Unknown, result.Outcome);
            Assert.Equal(Verifier.CheckNames, result.Checks.Select(c => c.Name));
            Assert.All(result.Checks, c => Assert.Equal(("federation.peer_unavailable", CheckStatus.Unknown), (c.Code, c.Status)));
            Assert.Null(result.Record);
        }
    }

    [Fact]
    public void EverySentenceSaysTheSameThingsInBothLanguages()
    {
        // The same {placeholders} in Chinese and English, none left unfilled, both languages written.
        foreach (var (key, text) in Sentences.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(text.Zh) || string.IsNullOrWhiteSpace(text.En), key);
            Assert.Equal(Placeholders(text.Zh), Placeholders(text.En));
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", text.Zh);
        }

        static string[] Placeholders(string s) => System.Text.RegularExpressions.Regex.Matches(s, @"\{(\w+)\}").Select(m => m.Groups[1].Value).Order().ToArray();
    }

    [Fact]
    public void EveryCheckGroupOfTheSentencesIsACheck()
    {
        var groups = Sentences.All.Keys.Select(k => k[..k.IndexOf('/')]).Distinct();
        Assert.All(groups, g => Assert.True(g == "*" || Verifier.CheckNames.Contains(g), g));
    }

    [Fact]
    public void ASharedSentenceIsKeptPerCheckAndAFilledOneIsMadeEachTime()
    {
        // "status.no_match" is a "*" sentence the no-match answer gives four checks: each keeps its own name and code.
        var revocation = Sentences.Result(Verifier.Revocation, CheckStatus.NotApplicable, "status.no_match");
        var review = Sentences.Result(Verifier.Review, CheckStatus.NotApplicable, "status.no_match");
        Assert.Equal((Verifier.Revocation, "status.no_match"), (revocation.Name, revocation.Code));
        Assert.Equal((Verifier.Review, "status.no_match"), (review.Name, review.Code));
        Assert.Same(revocation, Sentences.Result(Verifier.Revocation, CheckStatus.NotApplicable, "status.no_match"));
        Assert.Equal(CheckStatus.Unknown, Sentences.Result(Verifier.Revocation, CheckStatus.Unknown, "status.no_match").Status);

        // A sentence with placeholders is filled with what it is given, every time.
        var y2023 = Sentences.Result(Verifier.IssueYear, CheckStatus.Pass, "issue_year.ok", new Arg("year", 2023));
        var y2024 = Sentences.Result(Verifier.IssueYear, CheckStatus.Pass, "issue_year.ok", new Arg("year", 2024));
        Assert.Contains("2023", y2023.MessageZh, StringComparison.Ordinal);
        Assert.Contains("2024", y2024.MessageEn, StringComparison.Ordinal);
        Assert.DoesNotContain("{", y2024.MessageZh + y2024.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void ALegacyQualificationNumberIsDecodedButCannotBeDecidedHere()
    {
        var result = Verify("0910123456300012", null, null);

        Assert.Equal(CheckStatus.Pass, Check(result, Verifier.Format).Status);
        Assert.Equal(Outcome.Unknown, result.Outcome);
    }

    [Fact]
    public void WithoutTheIssueDateTheIssuerStatusIsJudgedOverTheIssueYear()
    {
        var partly = Issuer(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null), new(OrganizationStatus.Suspended, new(2023, 3, 1), null)]);
        var never = Issuer(events: [new(OrganizationStatus.Registered, new(2020, 1, 1), null), new(OrganizationStatus.Suspended, new(2022, 3, 1), null)]);

        Assert.Equal("issuer_status.ok_year", Check(Verify("Y000044030006233000123", Issuer(), null, name: null), Verifier.IssuerStatus).Code);
        Assert.Equal("issuer_status.date_needed", Check(Verify("Y000044030006233000123", partly, null, name: null), Verifier.IssuerStatus).Code);
        Assert.Equal("issuer_status.inactive_year", Check(Verify("Y000044030006233000123", never, null, name: null), Verifier.IssuerStatus).Code);
    }
}

/// <summary>A clock stopped at 04:00 UTC (12:00 in Beijing) of a day, or at a given instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public FixedTime(DateOnly today) : this(new DateTimeOffset(today.ToDateTime(new TimeOnly(4, 0)), TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
