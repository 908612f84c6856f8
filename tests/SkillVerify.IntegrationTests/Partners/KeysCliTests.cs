using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>Partner keys are created, listed and revoked with the real <c>skillverify</c> tool, and a running service follows.</summary>
public sealed class KeysCliTests : IDisposable
{
    private readonly string folder = TestFolders.New("keys-");

    private string Database => $"Data Source={Path.Combine(folder, "skillverify.db")}";

    [Fact]
    public async Task KeysCreatedListedAndRevokedWithTheCliAreHonouredByTheService()
    {
        Directory.CreateDirectory(folder);
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?>
        {
            ["ConnectionStrings:SkillVerify"] = Database,
            [SkillVerifyFactory.SeedDemoData] = "true",
            ["Privacy:HashKey"] = CacheFactory.HashKey,
            ["Partners:RefreshSeconds"] = "1",
        });
        var client = factory.CreateClient();
        object batch = new { items = new[] { new { code = "Y000044030006233000123", holderName = "王小明" } } };

        var (created, createOutput) = await RunAsync("keys", "create", "--name", "江苏省互认平台", "--provinces", "44,32", "--batch", "--quota", "600");
        Assert.Equal(0, created);
        var key = createOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        Assert.StartsWith("svk_", key);

        var answered = await EventuallyStatusAsync(client, key, batch, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, answered);

        var (listed, listOutput) = await RunAsync("keys", "list");
        Assert.Equal(0, listed);
        Assert.Contains("江苏省互认平台", listOutput);
        Assert.Contains("active", listOutput);
        Assert.DoesNotContain(key, listOutput);
        var id = key.Split('_')[1];
        Assert.Contains(id, listOutput);

        var (revoked, _) = await RunAsync("keys", "revoke", id);
        Assert.Equal(0, revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyStatusAsync(client, key, batch, HttpStatusCode.Unauthorized));
        var (again, againOutput) = await RunAsync("keys", "revoke", id);
        Assert.NotEqual(0, again);
        Assert.Contains(id, againOutput);
        Assert.Contains("revoked", (await RunAsync("keys", "list")).Output);
    }

    private static async Task<HttpStatusCode> EventuallyStatusAsync(HttpClient client, string key, object body, HttpStatusCode wanted)
    {
        // The service reloads keys every Partners:RefreshSeconds (1 s here).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications/batch") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Add("X-Api-Key", key);
            status = (await client.SendAsync(request)).StatusCode;
            if (status == wanted)
            {
                break;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        Tool.RunAsync(Tool.Cli, new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__SkillVerify"] = Database }, arguments);

    public void Dispose()
    {
        TestFolders.Remove(folder);
    }
}
