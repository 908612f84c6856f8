using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Security;
using SkillVerify.Api.Signing;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>Keys, settings and tools the QR tests share.</summary>
public static class QrTestSupport
{
    public const string ValidCode = "Y000044030006233000123";       // 王小明, VALID
    public const string RevokedCode = "S000032010101224000456";     // 张伟, revoked (撤销)
    public const string OutOfScopeCode = "Y000044030006242000050";  // 孙丽, INVALID: outside the issuer's scope
    public const string PublicBaseUrl = "https://verify.example.gov.cn";
    public const string OtherOfficialHost = "m.verify.example.gov.cn";
    public const string TokenKeyId = "t1";
    public static readonly byte[] TokenKey = SHA256.HashData("skillverify-tests token key t1"u8);

    public static string HowToInstall(string tool) =>
        $"{tool} is not installed on this machine: run `scripts/test-servers.sh start` (as root), which installs zbar-tools, chromium, fonts-noto-cjk, fonts-droid-fallback, fonts-dejavu-core and poppler-utils.";

    /// <summary>Settings for a service with a fixed public base URL and token key, so tests can compute expected links independently.</summary>
    public static Dictionary<string, string?> FixedQrSettings() => new()
    {
        ["Qr:PublicBaseUrl"] = PublicBaseUrl,
        ["Qr:OfficialHosts:0"] = OtherOfficialHost,
        ["Qr:TokenKeys:0:Id"] = TokenKeyId,
        ["Qr:TokenKeys:0:Key"] = Convert.ToBase64String(TokenKey),
    };

    /// <summary>The token computed here, independently of the service: base64url of HMAC-SHA256 truncated to 96 bits.</summary>
    public static string ExpectedToken(string canonicalCode)
    {
        var mac = HMACSHA256.HashData(TokenKey, Encoding.ASCII.GetBytes("SkillVerify QR token v1\n" + canonicalCode));
        return TokenKeyId + "." + Convert.ToBase64String(mac, 0, 12).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static HttpClient AdminClient(this SkillVerifyFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        return client;
    }

    /// <summary>Fetches a QR image and the payload the service says it encodes.</summary>
    public static async Task<(byte[] Image, string Payload)> GetQrAsync(HttpClient admin, string code, string query = "", string extension = "png")
    {
        using var response = await admin.GetAsync($"/api/v1/certificates/{code}/qr.{extension}{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.GetValues(QrApi.PayloadHeader).Single());
    }

    public static async Task<JsonWebKeySetDto> GetJwksAsync(HttpClient client) =>
        (await client.GetFromJsonAsync("/.well-known/jwks.json", SigningJson.Default.JsonWebKeySetDto))!;

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> ScanAsync(HttpClient client, string payload, string? holderName = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/scans", new ScanRequest(payload, holderName), QrJson.Default.ScanRequest);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response, body);
    }

    public static string NewPrivateKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Reads a QR image with zbarimg (Debian's zbar-tools), exactly as printed: the raw text without the trailing newline.</summary>
    public static async Task<string> ReadWithZbarAsync(byte[] png, string name)
    {
        var zbarimg = FindExecutable("zbarimg") ?? throw new InvalidOperationException(HowToInstall("zbarimg (Debian package zbar-tools)"));
        var path = Path.Combine(TestOutput.Folder("qr"), name + ".png");
        await File.WriteAllBytesAsync(path, png);
        var start = new ProcessStartInfo(zbarimg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--raw");
        start.ArgumentList.Add("-q");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"zbarimg could not read {path} (exit {process.ExitCode}): {await stderr}");
        var text = await stdout;
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    public static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>The gitignored test-output/ folder at the repository root, where screenshots and QR images are written.</summary>
public static class TestOutput
{
    public static string Folder(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
        {
            dir = dir.Parent;
        }
        var root = dir?.FullName ?? Path.GetTempPath();
        var path = Path.Combine(root, "test-output", name);
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>The service on a real Kestrel listener on 127.0.0.1 (a browser cannot reach the in-memory TestServer).</summary>
public sealed class KestrelSkillVerifyFactory : SkillVerifyFactory
{
    public KestrelSkillVerifyFactory(IDictionary<string, string?>? settings = null) : base(settings)
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
    }

    public Uri BaseAddress { get; }

    public HttpClient RealClient(bool admin = false)
    {
        var client = new HttpClient(new Contract.ContractHandler(new HttpClientHandler())) { BaseAddress = BaseAddress };
        if (admin)
        {
            client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminOptions.DemoKey);
        }
        return client;
    }
}
