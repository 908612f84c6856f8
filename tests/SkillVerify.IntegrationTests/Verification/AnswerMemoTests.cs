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
    public async Task ARepeatedQuestionGetsTheBytesTheChecksWouldGiveAgain()
    {
        var client = factory.CreateClient();
        var memo = factory.Services.GetRequiredService<AnswerMemo>();

        var first = await BodyAsync(client, ValidCode, ValidName);   // records read from the database
        var second = await BodyAsync(client, ValidCode, ValidName);  // records from cache: computed, then memoized
        var memoized = memo.Count;
        var third = await BodyAsync(client, ValidCode, ValidName);   // the memoized answer
        var wrongName = await BodyAsync(client, ValidCode, "李四");

        Assert.Contains("\"fromCache\":false", first);
        Assert.True(memoized >= 1, "the second answer should have been memoized");
        Assert.Equal(second, third);
        Assert.Contains("\"outcome\":\"VALID\"", third);
        Assert.Contains("\"outcome\":\"NOT_FOUND\"", wrongName);
        Assert.Contains("holder.no_match", wrongName);
    }

    [Fact]
    public async Task ARevocationAfterTheAnswerWasMemoizedIsSeenAtOnce()
    {
        var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains("\"outcome\":\"VALID\"", await BodyAsync(client, ValidCode, ValidName));
        }
        Assert.True(factory.Services.GetRequiredService<AnswerMemo>().Count >= 1);

        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var revoked = await admin.PostAsJsonAsync($"/api/v1/admin/certificates/{ValidCode}/revocation", new { reason = "伪造材料", effectiveDate = today });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var after = await BodyAsync(client, ValidCode, ValidName);
        Assert.Contains("\"outcome\":\"INVALID\"", after);
        Assert.Contains("status.revoked", after);
    }

    private static async Task<string> BodyAsync(HttpClient client, string code, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/verifications", new { code, holderName = name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
