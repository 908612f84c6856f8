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
        var second = await AskAsync(client, ValidCode, ValidName);  // records from cache: computed, then memoized
        var memoized = memo.Count;
        var third = await AskAsync(client, ValidCode, ValidName);   // the memoized answer: nothing new remembered
        Assert.Equal(memoized, memo.Count);
        var wrongName = await AskAsync(client, ValidCode, "李四");

        Assert.Contains("\"fromCache\":false", first.Body);
        Assert.True(memoized >= 1, "the second answer should have been memoized");
        Assert.Equal(second.Body, third.Body);
        Assert.Equal(second.Headers, third.Headers);
        Assert.Contains("\"outcome\":\"VALID\"", third.Body);
        Assert.Contains("\"outcome\":\"NOT_FOUND\"", wrongName.Body);
        Assert.Contains("holder.no_match", wrongName.Body);
    }

    [Fact]
    public async Task ARevocationAfterTheAnswerWasMemoizedIsSeenAtOnce()
    {
        var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
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

    private static async Task<(string Body, string Headers)> AskAsync(HttpClient client, string code, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/verifications", new { code, holderName = name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Where(h => h.Key is not ("Date" or "RateLimit"))
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}").Order(StringComparer.Ordinal));
        return (await response.Content.ReadAsStringAsync(), headers);
    }
}
