using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Security;
using SkillVerify.Api.Verification;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Verification;

/// <summary>Answers to repeated questions are reused only while they are exactly what the checks would answer again.</summary>
public sealed class AnswerMemoTests : IDisposable
{
    private readonly SkillVerifyFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task ARepeatedQuestionGetsTheBytesAndHeadersTheChecksWouldGiveAgain()
    {
        var client = factory.CreateClient();
        var memo = factory.Services.GetRequiredService<AnswerMemo>();

        var first = await AskAsync(client, ValidCode, ValidName);   // records read from the database
        var second = await AskAsync(client, ValidCode, ValidName);  // records from cache: computed, seen by the doorkeeper
        Assert.Equal(0, memo.Count);
        var third = await AskAsync(client, ValidCode, ValidName);   // the same record objects again: computed, then memoized
        var memoized = memo.Count;
        var fourth = await AskAsync(client, ValidCode, ValidName);  // the memoized answer: nothing new remembered
        Assert.Equal(memoized, memo.Count);
        var wrongName = await AskAsync(client, ValidCode, "李四");

        Assert.Contains("\"fromCache\":false", first.Body);
        Assert.True(memoized >= 1, "the third answer should have been memoized");
        Assert.Equal(second.Body, fourth.Body);
        Assert.Equal(second.Headers, fourth.Headers);
        Assert.Equal(third.Body, fourth.Body);
        Assert.Contains("\"outcome\":\"VALID\"", fourth.Body);
        Assert.Contains("\"outcome\":\"NOT_FOUND\"", wrongName.Body);
        Assert.Contains("holder.no_match", wrongName.Body);
    }

    [Fact]
    public async Task ARevocationAfterTheAnswerWasMemoizedIsSeenAtOnce()
    {
        var client = factory.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("\"outcome\":\"VALID\"", (await AskAsync(client, ValidCode, ValidName)).Body);
        }
        Assert.True(factory.Services.GetRequiredService<AnswerMemo>().Count >= 1);

        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var revoked = await admin.PostAsJsonAsync($"/api/v1/admin/certificates/{ValidCode}/revocation", new { reason = "伪造材料", effectiveDate = today });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var after = (await AskAsync(client, ValidCode, ValidName)).Body;
        Assert.Contains("\"outcome\":\"INVALID\"", after);
        Assert.Contains("status.revoked", after);
    }

    [Fact]
    public void AMemoOfSizeZeroKeepsNothing()
    {
        var memo = new AnswerMemo(0);
        var inputs = new AnswerInputs(null, null, null, new Data.RegistrySnapshot(1, DateTimeOffset.UnixEpoch), new DateOnly(2026, 1, 1));
        var key = new AnswerKey(ValidCode, null, null, Domain.Verification.Disclosure.Anonymous, null);
        var answer = new VerificationResponse("VALID", [], null, new FreshnessDto(1, DateTimeOffset.UnixEpoch, null, true), null);
        memo.Remember(key, inputs, answer);
        Assert.Null(memo.Find(key, inputs));
        Assert.Null(memo.Encoded(answer, _ => [1]));
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public void AnAnswerIsAdmittedOnlyTheSecondTimeItIsMadeFromTheSameRecordObjects()
    {
        var memo = new AnswerMemo(16);
        var snapshot = new Data.RegistrySnapshot(1, DateTimeOffset.UnixEpoch);
        var key = new AnswerKey(ValidCode, [1, 2, 3, 4, 5, 6, 7, 8], null, Domain.Verification.Disclosure.Anonymous, null);
        var answer = new VerificationResponse("VALID", [], null, new FreshnessDto(1, DateTimeOffset.UnixEpoch, null, true), null);

        // Records read anew each time (from Redis, the L1 too small to keep them): equal, never the same object.
        for (var i = 0; i < 5; i++)
        {
            memo.Remember(key, new AnswerInputs(null, null, Record(), snapshot, new DateOnly(2026, 1, 1)), answer);
        }
        Assert.Equal(0, memo.Count);

        // The same record object twice: admitted, and found only with that very object.
        var kept = new AnswerInputs(null, null, Record(), snapshot, new DateOnly(2026, 1, 1));
        memo.Remember(key, kept, answer);
        Assert.Null(memo.Find(key, kept));
        memo.Remember(key, kept, answer);
        Assert.Same(answer, memo.Find(key, kept));
        Assert.Null(memo.Find(key, kept with { Record = Record() }));
        Assert.Null(memo.Find(key, kept with { Today = new DateOnly(2026, 1, 2) }));
        Assert.Equal([7], memo.Encoded(answer, _ => [7]));
    }

    private static Domain.Verification.CertificateRecord Record() => new(ValidCode, "Y00004403000623", '3', new DateOnly(2023, 5, 1), "4-01-02-01", "电工", null,
        [1], "王*明", null, null, "assessment", "valid", null, null, null, null, "none", DateTimeOffset.UnixEpoch);

    private static async Task<(string Body, string Headers)> AskAsync(HttpClient client, string code, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/verifications", new { code, holderName = name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), VerificationApiTests.HeadersOf(response));
    }
}
