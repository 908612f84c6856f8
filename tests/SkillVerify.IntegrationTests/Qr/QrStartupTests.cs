using SkillVerify.IntegrationTests.Infrastructure;

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
        var environment = new Dictionary<string, string>();
        // Everything else is valid, so the sentence is about the value under test.
        if (key.StartsWith("Qr", StringComparison.Ordinal))
        {
            environment["Qr__TokenKeys__0__Id"] = "t1";
            environment["Qr__TokenKeys__0__Key"] = Convert.ToBase64String(new byte[32]);
        }
        else
        {
            environment["Signing__Keys__0__Id"] = "k1";
        }
        environment[key] = value;
        var (exitCode, output) = await Tool.RunServiceAsync(environment);
        Assert.Equal(2, exitCode);
        Assert.Contains("SkillVerify cannot start", output);
        Assert.Contains(named, output);
        Assert.DoesNotContain("   at ", output);
    }
}
