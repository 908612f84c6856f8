using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Credentials;

/// <summary>
/// The issued credential and the status list checked by implementations nobody here wrote: the OpenWallet
/// Foundation's @sd-jwt/sd-jwt-vc 0.19.0 with panva's jose (tests/credentials-js, pinned by package-lock.json,
/// installed by scripts/test.sh with npm ci), against the service on a real Kestrel, over HTTP.
/// </summary>
public sealed class IndependentVerifierTests
{
    private const string Code = "Y000044030006233000123";

    private static string ScriptFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
        {
            dir = dir.Parent;
        }
        Assert.True(dir is not null, "The repository root (SkillVerify.sln) was not found above the test output folder.");
        return Path.Combine(dir!.FullName, "tests", "credentials-js");
    }

    private static async Task<JsonElement> RunNodeAsync(string baseUrl, string credentialFile)
    {
        var folder = ScriptFolder();
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@sd-jwt", "sd-jwt-vc")) && Directory.Exists(Path.Combine(folder, "node_modules", "jose")),
            $"The independent verifier is not installed: run `npm ci` in {folder} (scripts/test.sh does it).");
        var node = File.Exists("/usr/bin/node") ? "/usr/bin/node" : "node";
        var start = new ProcessStartInfo(node) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("verify.mjs");
        start.ArgumentList.Add(baseUrl);
        start.ArgumentList.Add(credentialFile);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new Xunit.Sdk.XunitException("node is not installed: install the Debian package nodejs (scripts/test-servers.sh start does).");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"node verify.mjs failed ({process.ExitCode}): {await stderr}");
            return JsonDocument.Parse(await stdout).RootElement.Clone();
        }
    }

    [Fact]
    public async Task SdJwtVcAndJoseAcceptTheCredentialAndSeeTheRevocationInTheStatusList()
    {
        using var factory = new KestrelFactory();
        using var client = factory.CreateNetworkClient();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        var baseUrl = factory.BaseAddress.ToString().TrimEnd('/');
        var file = Path.Combine(factory.DataDirectory, "skill-certificate.sd-jwt");
        await File.WriteAllTextAsync(file, await client.GetStringAsync($"/api/v1/certificates/{Code}/credential"));

        var before = await RunNodeAsync(baseUrl, file);
        Assert.Equal("urn:skillverify:vct:skill-level-certificate:1", before.GetProperty("jose").GetProperty("vct").GetString());
        Assert.Equal("高级工", before.GetProperty("jose").GetProperty("level").GetString());
        var list = before.GetProperty("statusList");
        Assert.StartsWith("application/statuslist+jwt", list.GetProperty("contentType").GetString());
        Assert.Equal("public, max-age=300", list.GetProperty("cacheControl").GetString());
        Assert.Equal(300, list.GetProperty("ttl").GetInt32());
        Assert.Equal(86400, list.GetProperty("validSeconds").GetInt32());
        Assert.Equal(0, list.GetProperty("status").GetInt32());
        var full = before.GetProperty("full");
        Assert.True(full.GetProperty("ok").GetBoolean(), full.ToString());
        Assert.Equal("王*明", full.GetProperty("name").GetString());
        var withoutName = before.GetProperty("withoutName");
        Assert.True(withoutName.GetProperty("ok").GetBoolean(), withoutName.ToString());
        Assert.Equal(JsonValueKind.Null, withoutName.GetProperty("name").ValueKind);
        Assert.Equal(0, withoutName.GetProperty("disclosures").GetInt32());
        Assert.False(before.GetProperty("changedClaim").GetProperty("ok").GetBoolean(), before.GetProperty("changedClaim").ToString());
        // sd-jwt-js 0.19 ignores a disclosure whose digest is not in _sd (RFC 9901 asks to reject the whole SD-JWT, as this
        // service does): it must at least not take the forged name for a disclosed one.
        var forged = before.GetProperty("forged");
        Assert.True(!forged.GetProperty("ok").GetBoolean() || forged.GetProperty("name").ValueKind == JsonValueKind.Null, forged.ToString());

        using var revoke = await client.PostAsJsonAsync($"/api/v1/admin/certificates/{Code}/revocation",
            new { reason = "测试撤销", effectiveDate = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var after = await RunNodeAsync(baseUrl, file);
        Assert.Equal(1, after.GetProperty("statusList").GetProperty("status").GetInt32());
        var revoked = after.GetProperty("full");
        Assert.False(revoked.GetProperty("ok").GetBoolean());
        Assert.Contains("Status", revoked.GetProperty("error").GetString());
    }
}
