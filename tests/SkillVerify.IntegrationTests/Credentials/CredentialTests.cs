using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Credentials;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Credentials;

/// <summary>
/// The SD-JWT VC a holder downloads, presented with and without the name, verified, then revoked; tampering and
/// a retired key. Digests, zlib and base64url are recomputed here independently of the service's code.
/// </summary>
public sealed class CredentialTests
{
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] UnB64(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }

    private static JsonObject Part(string jws, int index) => JsonNode.Parse(UnB64(jws.Split('.')[index]))!.AsObject();

    internal static async Task<string> DownloadAsync(HttpClient client, string code)
    {
        using var response = await client.GetAsync($"/api/v1/certificates/{code}/credential?t={ExpectedToken(code)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CredentialsApi.FileMediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    internal static async Task<JsonElement> VerifyAsync(HttpClient client, string credential, params string[] required)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/credentials/verifications", new { credential, requiredClaims = required });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static string Checks(JsonElement answer) => string.Join("; ", answer.GetProperty("checks").EnumerateArray().Select(c => c.Str("name") + "=" + c.Str("status") + ":" + c.Str("code")));

    [Fact]
    public async Task AnIssuedCredentialVerifiesWithAndWithoutTheNameAndTurnsInvalidOnRevocation()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var client = factory.CreateClient();
        var credential = await DownloadAsync(client, ValidCode);

        // The format, recomputed: typ, alg, _sd_alg, and the one disclosure's digest in _sd.
        var parts = credential.Split('~');
        Assert.Equal("", parts[^1]);
        var header = Part(parts[0], 0);
        var payload = Part(parts[0], 1);
        Assert.Equal("dc+sd-jwt", (string?)header["typ"]);
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal("sha-256", (string?)payload["_sd_alg"]);
        Assert.Equal(PublicBaseUrl, (string?)payload["iss"]);
        Assert.Equal(PublicBaseUrl + "/api/v1/credentials/status-lists/1", (string?)payload["status"]!["status_list"]!["uri"]);
        Assert.Equal("高级工", (string?)payload["level"]!["name_zh"]);
        Assert.Equal("current", (string?)payload["standing"]!["value"]);
        Assert.False(payload.ContainsKey("holder_name_masked"));
        var disclosures = parts[1..^1];
        Assert.Single(disclosures); // the QR token gets the name only; the masked ID number needs an issuing body's key
        var disclosure = JsonNode.Parse(UnB64(disclosures[0]))!.AsArray();
        Assert.Equal("holder_name_masked", (string?)disclosure[1]);
        Assert.Equal("王*明", (string?)disclosure[2]);
        var digest = B64(SHA256.HashData(Encoding.ASCII.GetBytes(disclosures[0])));
        Assert.Contains(digest, payload["_sd"]!.AsArray().Select(d => (string?)d));
        Assert.Equal(4, payload["_sd"]!.AsArray().Count); // two decoys: the count does not tell what the file holds
        Assert.DoesNotContain("王小明", Encoding.UTF8.GetString(UnB64(parts[0].Split('.')[1])));

        var withName = await VerifyAsync(client, credential, "holder_name_masked");
        Assert.True(withName.Str("outcome") == "VALID", Checks(withName));
        Assert.Equal("王*明", withName.GetProperty("claims").Str("holder_name_masked"));
        Assert.Equal(["holder_name_masked"], withName.GetProperty("disclosed").EnumerateArray().Select(d => d.GetString()));

        // The holder leaves the name out: still VALID, and the answer does not hold the name anywhere.
        var withoutNameText = parts[0] + "~";
        using var withoutNameResponse = await client.PostAsJsonAsync("/api/v1/credentials/verifications", new { credential = withoutNameText });
        var withoutNameBody = await withoutNameResponse.Content.ReadAsStringAsync();
        var withoutName = JsonDocument.Parse(withoutNameBody).RootElement;
        Assert.True(withoutName.Str("outcome") == "VALID", Checks(withoutName));
        Assert.False(withoutName.GetProperty("claims").TryGetProperty("holder_name_masked", out _));
        Assert.DoesNotContain("*明", withoutNameBody);
        Assert.Equal(0, withoutName.GetProperty("disclosed").GetArrayLength());
        // A verifier that asks for the name does not accept the presentation without it.
        var asked = await VerifyAsync(client, withoutNameText, "holder_name_masked");
        Assert.Equal("INVALID", asked.Str("outcome"));
        Assert.Equal("credential.required_not_disclosed", asked.Check("required_claims").Str("code"));

        // The status list before: bit idx clear.
        var idx = (long)payload["status"]!["status_list"]!["idx"]!;
        Assert.False(Bit(await StatusListBitsAsync(client), idx));

        using var revoke = await factory.AdminClient().PostAsJsonAsync($"/api/v1/admin/certificates/{ValidCode}/revocation",
            new { reason = "测试撤销", effectiveDate = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        Assert.True(Bit(await StatusListBitsAsync(client), idx));
        foreach (var presented in new[] { credential, withoutNameText })
        {
            var after = await VerifyAsync(client, presented);
            Assert.Equal("INVALID", after.Str("outcome"));
            Assert.Equal("status.invalid", after.Check("status").Str("code"));
            Assert.Equal("pass", after.Check("signature").Str("status"));
        }
        // And no new credential is issued for a certificate that is not VALID.
        using var again = await client.GetAsync($"/api/v1/certificates/{ValidCode}/credential?t={ExpectedToken(ValidCode)}");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private static async Task<byte[]> StatusListBitsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/credentials/status-lists/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/statuslist+jwt", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        var jwt = await response.Content.ReadAsStringAsync();
        Assert.Equal("statuslist+jwt", (string?)Part(jwt, 0)["typ"]);
        var payload = Part(jwt, 1);
        Assert.Equal(PublicBaseUrl + "/api/v1/credentials/status-lists/1", (string?)payload["sub"]);
        Assert.Equal(300, (long)payload["ttl"]!);
        Assert.Equal(86400, (long)payload["exp"]! - (long)payload["iat"]!);
        Assert.Equal(1, (int)payload["status_list"]!["bits"]!);
        using var zlib = new ZLibStream(new MemoryStream(UnB64((string)payload["status_list"]!["lst"]!)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        zlib.CopyTo(bytes);
        Assert.True(bytes.Length >= 16 * 1024, $"the list holds {bytes.Length} bytes");
        return bytes.ToArray();
    }

    private static bool Bit(byte[] bits, long idx) => (bits[idx / 8] & (1 << (int)(idx % 8))) != 0;

    [Fact]
    public async Task AChangedByteARemovedOrForgedDisclosureAllFail()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var client = factory.CreateClient();
        var credential = await DownloadAsync(client, ValidCode);
        var parts = credential.Split('~');
        var jwsParts = parts[0].Split('.');

        // One claim changed in the signed part (the level), re-encoded: the signature no longer holds.
        var payload = Part(parts[0], 1);
        payload["level"]!["name_zh"] = "高级技师";
        var changedClaim = $"{jwsParts[0]}.{B64(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{jwsParts[2]}~{parts[1]}~";
        // One byte of the signature changed.
        var sig = UnB64(jwsParts[2]);
        sig[10] ^= 0x01;
        var changedSignature = $"{jwsParts[0]}.{jwsParts[1]}.{B64(sig)}~{parts[1]}~";
        // One character of the disclosure changed.
        var changedDisclosure = parts[0] + "~" + (parts[1][..5] + (parts[1][5] == 'A' ? 'B' : 'A') + parts[1][6..]) + "~";
        // A disclosure of another name, made up with a fresh salt: its digest is not in _sd.
        var forged = parts[0] + "~" + B64(Encoding.UTF8.GetBytes("""["c2FsdHNhbHRzYWx0","holder_name_masked","李*国"]""")) + "~";
        // The same disclosure twice.
        var twice = parts[0] + "~" + parts[1] + "~" + parts[1] + "~";
        // A disclosure cut out of the middle, leaving an empty one.
        var removed = parts[0] + "~~";

        foreach (var (name, presented, check) in new[]
        {
            ("changed claim", changedClaim, "signature"), ("changed signature", changedSignature, "signature"),
            ("changed disclosure", changedDisclosure, "disclosures"), ("forged disclosure", forged, "disclosures"),
            ("repeated disclosure", twice, "disclosures"), ("removed disclosure", removed, "format"),
        })
        {
            var answer = await VerifyAsync(client, presented);
            Assert.True(answer.Str("outcome") == "INVALID", $"{name}: {Checks(answer)}");
            Assert.True(answer.Check(check).Str("status") == "fail", $"{name}: {Checks(answer)}");
            // Nothing of a credential that does not hold is shown.
            Assert.Equal(JsonValueKind.Null, answer.GetProperty("claims").ValueKind);
        }
    }

    [Fact]
    public async Task RotationKeepsOldCredentialsVerifiableUntilTheirKeyIsRetired()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var oldPem = oldKey.ExportPkcs8PrivateKeyPem();
        var newPem = newKey.ExportPkcs8PrivateKeyPem();
        Dictionary<string, string?> Settings(params (string Key, string? Value)[] signing)
        {
            var s = FixedQrSettings();
            foreach (var (key, value) in signing)
            {
                s[key] = value;
            }
            return s;
        }

        string credential;
        using (var before = SkillVerifyFactory.With(Settings(("Signing:Keys:0:Id", "k2025"), ("Signing:Keys:0:PrivateKeyPem", oldPem))))
        {
            credential = await DownloadAsync(before.CreateClient(), ValidCode);
            Assert.Equal("k2025", (string?)Part(credential.Split('~')[0], 0)["kid"]);
        }

        // Rotated: the new key signs, the old one (public part only) still verifies what it signed.
        using (var rotated = SkillVerifyFactory.With(Settings(
            ("Signing:Keys:0:Id", "k2025"), ("Signing:Keys:0:PublicKeyPem", oldKey.ExportSubjectPublicKeyInfoPem()),
            ("Signing:Keys:1:Id", "k2026"), ("Signing:Keys:1:PrivateKeyPem", newPem))))
        {
            var client = rotated.CreateClient();
            var answer = await VerifyAsync(client, credential);
            Assert.True(answer.Str("outcome") == "VALID", Checks(answer));
            Assert.Equal("k2025", answer.Str("keyId"));
            var fresh = await DownloadAsync(client, ValidCode);
            Assert.Equal("k2026", (string?)Part(fresh.Split('~')[0], 0)["kid"]);
        }

        // Retired: the old key leaves the JWKS and what it signed is INVALID.
        using (var retired = SkillVerifyFactory.With(Settings(
            ("Signing:Keys:0:Id", "k2025"), ("Signing:Keys:0:Retired", "true"),
            ("Signing:Keys:1:Id", "k2026"), ("Signing:Keys:1:PrivateKeyPem", newPem))))
        {
            var client = retired.CreateClient();
            var jwks = await client.GetStringAsync("/.well-known/jwks.json");
            Assert.DoesNotContain("k2025", jwks);
            var did = await client.GetStringAsync("/.well-known/did.json");
            Assert.Contains("did:web:verify.example.gov.cn#k2026", did);
            Assert.DoesNotContain("k2025", did);
            var answer = await VerifyAsync(client, credential);
            Assert.Equal("INVALID", answer.Str("outcome"));
            Assert.Equal("credential.key_not_published", answer.Check("signing_key").Str("code"));
        }

        // A key whose window ended before the credential was signed does not vouch for it.
        using (var window = SkillVerifyFactory.With(Settings(
            ("Signing:Keys:0:Id", "k2025"), ("Signing:Keys:0:PublicKeyPem", oldKey.ExportSubjectPublicKeyInfoPem()), ("Signing:Keys:0:NotAfter", "2020-01-01T00:00:00Z"),
            ("Signing:Keys:1:Id", "k2026"), ("Signing:Keys:1:PrivateKeyPem", newPem))))
        {
            var answer = await VerifyAsync(window.CreateClient(), credential);
            Assert.Equal("INVALID", answer.Str("outcome"));
            Assert.Equal("credential.outside_key_window", answer.Check("signing_key").Str("code"));
        }
    }

    [Fact]
    public async Task WithoutAStatusListOrWithAnExpiredOneTheAnswerIsUnknown()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var client = factory.CreateClient();
        var credential = await DownloadAsync(client, ValidCode);
        var list = await client.GetStringAsync("/api/v1/credentials/status-lists/1");
        var verifier = factory.Services.GetRequiredService<CredentialVerifier>();

        // An offline verifier with the last list it fetched: VALID while the list is in force.
        var offline = await verifier.VerifyAsync(credential, PublicBaseUrl, (_, _) => Task.FromResult<string?>(list), [], DateTimeOffset.UtcNow.AddHours(23), default);
        Assert.Equal("VALID", offline.Outcome);
        // Past the list's exp (one day), it cannot decide.
        var stale = await verifier.VerifyAsync(credential, PublicBaseUrl, (_, _) => Task.FromResult<string?>(list), [], DateTimeOffset.UtcNow.AddDays(2), default);
        Assert.Equal("UNKNOWN", stale.Outcome);
        Assert.Contains(stale.Checks, c => c.Code == "status.list_expired");
        // The list cannot be fetched at all.
        var unreachable = await verifier.VerifyAsync(credential, PublicBaseUrl, (_, _) => throw new HttpRequestException("connection refused"), [], DateTimeOffset.UtcNow, default);
        Assert.Equal("UNKNOWN", unreachable.Outcome);
        Assert.Contains(unreachable.Checks, c => c.Code == "status.unreachable");
        // A list signed by someone else (its signature changed) does not decide either.
        var forgedList = list[..^4] + (list[^4] == 'A' ? "B" : "A") + list[^3..];
        var forged = await verifier.VerifyAsync(credential, PublicBaseUrl, (_, _) => Task.FromResult<string?>(forgedList), [], DateTimeOffset.UtcNow, default);
        Assert.Equal("UNKNOWN", forged.Outcome);
        // A credential of another issuer is not this service's to decide.
        var elsewhere = await verifier.VerifyAsync(credential, "https://other.example", (_, _) => Task.FromResult<string?>(list), [], DateTimeOffset.UtcNow, default);
        Assert.Equal("UNKNOWN", elsewhere.Outcome);
    }

    [Fact]
    public async Task TheStatusIndexIsStableAndAnIssuingBodyAddsTheMaskedIdNumber()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var client = factory.CreateClient();
        var first = Part((await DownloadAsync(client, ValidCode)).Split('~')[0], 1);
        var other = Part((await DownloadAsync(client, "Y001111000001241000001")).Split('~')[0], 1);
        var second = Part((await DownloadAsync(client, ValidCode)).Split('~')[0], 1);
        Assert.Equal((long)first["status"]!["status_list"]!["idx"]!, (long)second["status"]!["status_list"]!["idx"]!);
        Assert.NotEqual((long)first["status"]!["status_list"]!["idx"]!, (long)other["status"]!["status_list"]!["idx"]!);

        using var byBody = await factory.AdminClient().GetAsync($"/api/v1/certificates/{ValidCode}/credential");
        Assert.Equal(HttpStatusCode.OK, byBody.StatusCode);
        var names = (await byBody.Content.ReadAsStringAsync()).Split('~')[1..^1].Select(d => (string?)JsonNode.Parse(UnB64(d))![1]).ToList();
        Assert.Equal(["holder_name_masked", "id_number_masked"], names);

        // Without the token (or a wrong one) nothing is issued, for any code alike.
        using var noToken = await client.GetAsync($"/api/v1/certificates/{ValidCode}/credential");
        using var wrongToken = await client.GetAsync($"/api/v1/certificates/{ValidCode}/credential?t={ExpectedToken(RevokedCode)}");
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
    }

    [Fact]
    public async Task ThePagesExplainTheFileAndShowOnlyWhatIsDisclosed()
    {
        using var factory = SkillVerifyFactory.With(FixedQrSettings());
        var client = factory.CreateClient();
        using var page = await client.GetAsync($"/credentials/{ValidCode}?t={ExpectedToken(ValidCode)}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("部分隐去", html);
        Assert.Contains($"/api/v1/certificates/{ValidCode}/credential?t=", html);
        Assert.DoesNotContain("<script", html);
        var refused = await client.GetStringAsync($"/credentials/{ValidCode}");
        Assert.Contains("data-problem=\"credential.token_required\"", refused);

        var credential = await DownloadAsync(client, ValidCode);
        async Task<string> PostAsync(HttpContent content)
        {
            using var response = await client.PostAsync("/credentials/verify", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        var pasted = await PostAsync(new FormUrlEncodedContent([new("credential", credential)]));
        Assert.Contains("data-state=\"VALID\"", pasted);
        Assert.Contains("王*明", pasted);
        using var upload = new MultipartFormDataContent { { new ByteArrayContent(Encoding.ASCII.GetBytes(credential.Split('~')[0] + "~")), "file", "skill-certificate.sd-jwt" } };
        var uploaded = await PostAsync(upload);
        Assert.Contains("data-state=\"VALID\"", uploaded);
        Assert.Contains("高级工", uploaded);
        Assert.DoesNotContain("*明", uploaded);
        var tampered = await PostAsync(new FormUrlEncodedContent([new("credential", credential.Replace("~", "x~"))]));
        Assert.Contains("data-state=\"INVALID\"", tampered);
        Assert.DoesNotContain("王*明", tampered);
    }
}
