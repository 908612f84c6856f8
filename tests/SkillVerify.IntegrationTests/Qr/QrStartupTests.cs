using System.Diagnostics;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>A wrong QR or signing setting stops the real service binary with exit code 2 and a sentence naming it.</summary>
public class QrStartupTests
{
    [Theory]
    [InlineData("Qr__PublicBaseUrl", "verify.example.gov.cn", "Qr:PublicBaseUrl")]
    [InlineData("Qr__TokenKeys__0__Key", "c2hvcnQ=", "Qr:TokenKeys:0:Key")]
    [InlineData("Qr__ActiveTokenKeyId", "nope", "Qr:ActiveTokenKeyId")]
    [InlineData("Signing__Keys__0__PrivateKeyPem", "not a key", "Signing:Keys:0")]
    public async Task AWrongQrOrSigningSettingStopsTheServiceNamingIt(string key, string value, string named)
    {
        var data = Path.Combine(Path.GetTempPath(), "skillverify-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SkillVerify.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Database__DataDirectory"] = data;
        // Everything else is valid, so the sentence is about the value under test.
        if (key.StartsWith("Qr", StringComparison.Ordinal))
        {
            start.Environment["Qr__TokenKeys__0__Id"] = "t1";
            start.Environment["Qr__TokenKeys__0__Key"] = Convert.ToBase64String(new byte[32]);
        }
        else
        {
            start.Environment["Signing__Keys__0__Id"] = "k1";
        }
        start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("The service kept running despite a wrong setting.");
        }
        var output = await stdout + await stderr;
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("SkillVerify cannot start", output);
        Assert.Contains(named, output);
        Assert.DoesNotContain("   at ", output);
    }
}
