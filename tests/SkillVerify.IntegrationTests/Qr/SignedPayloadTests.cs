using System.Formats.Cbor;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Signing;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>
/// The offline QR verifies with nothing but the published JWKS, fails when any byte changes, and fails
/// once its key is retired (while a rotated-out key that is not retired still verifies).
/// </summary>
public sealed class SignedPayloadTests
{
    private static readonly string Key2025 = NewPrivateKeyPem();
    private static readonly string Key2026 = NewPrivateKeyPem();

    private static SkillVerifyFactory Service(params (string Id, string Pem, bool Retired)[] keys)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"Signing:Keys:{i}:Id"] = keys[i].Id;
            settings[$"Signing:Keys:{i}:PrivateKeyPem"] = keys[i].Pem;
            settings[$"Signing:Keys:{i}:Retired"] = keys[i].Retired ? "true" : "false";
        }
        return SkillVerifyFactory.With(settings);
    }

    [Fact]
    public async Task SignedPayloadVerifiesWithOnlyThePublishedJwks()
    {
        using var factory = Service(("k2025", Key2025, false));
        var admin = factory.AdminClient();
        var (_, payload) = await GetQrAsync(admin, ValidCode, "?form=signed");
        var jwks = await GetJwksAsync(factory.CreateClient());

        // Verified here from first principles, as a phone would: Base45 → zlib → COSE_Sign1 → ES256 with the JWK.
        Assert.True(Base45.TryDecode(payload.AsSpan(SignedPayload.Prefix.Length), out var compressed));
        var cose = Inflate(compressed);
        var message = CoseMessage.DecodeSign1(cose);
        var kid = Encoding.UTF8.GetString(message.ProtectedHeaders[CoseHeaderLabel.KeyIdentifier].GetValueAsBytes());
        Assert.Equal("k2025", kid);
        var jwk = Assert.Single(jwks.Keys, k => k.Kid == kid);
        using (var publicKey = jwk.ToECDsa())
        {
            Assert.True(message.VerifyEmbedded(publicKey));
        }
        var claims = new CborReader(message.Content!.Value);
        Assert.Equal(11, claims.ReadStartMap());
        Assert.Equal("code", claims.ReadTextString());
        Assert.Equal(ValidCode, claims.ReadTextString());

        // And a key that is not in the JWKS does not verify it.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(message.VerifyEmbedded(stranger));
        Assert.Equal(OfflineStatus.Valid, SignedPayload.Verify(payload, jwks).Status);
        Assert.Equal(OfflineStatus.UnknownKey, SignedPayload.Verify(payload, new JsonWebKeySetDto([])).Status);
    }

    [Fact]
    public async Task ChangingAnyByteBreaksTheSignedPayload()
    {
        using var factory = Service(("k2025", Key2025, false));
        var (_, payload) = await GetQrAsync(factory.AdminClient(), ValidCode, "?form=signed");
        var jwks = await GetJwksAsync(factory.CreateClient());
        Assert.True(Base45.TryDecode(payload.AsSpan(SignedPayload.Prefix.Length), out var compressed));
        var cose = Inflate(compressed);

        // Every byte of the signed COSE message, changed in two ways, then packed again as a phone would read it.
        for (var i = 0; i < cose.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0xFF })
            {
                var altered = (byte[])cose.Clone();
                altered[i] ^= mask;
                var result = SignedPayload.Verify(SignedPayload.Prefix + Base45.Encode(Deflate(altered)), jwks);
                Assert.True(result.Status != OfflineStatus.Valid, $"byte {i} ^ 0x{mask:X2} still verified");
            }
        }
        // Every character of the printed text, swapped for another of the alphabet. Deflate can spell the same
        // bytes in more than one way (bits of a Huffman table that no symbol uses), so a change there may still
        // inflate to the very same signed message: then nothing signed changed. Anything else must fail.
        var sameSignedBytes = 0;
        for (var i = SignedPayload.Prefix.Length; i < payload.Length; i++)
        {
            var replacement = Base45.Alphabet[(Base45.Alphabet.IndexOf(payload[i]) + 1) % Base45.Alphabet.Length];
            var altered = string.Concat(payload.AsSpan(0, i), replacement.ToString(), payload.AsSpan(i + 1));
            if (SignedPayload.Verify(altered, jwks).Status == OfflineStatus.Valid)
            {
                Assert.True(Base45.TryDecode(altered.AsSpan(SignedPayload.Prefix.Length), out var alteredCompressed));
                Assert.Equal(cose, Inflate(alteredCompressed));
                sameSignedBytes++;
            }
        }
        Assert.True(sameSignedBytes < 5, $"{sameSignedBytes} altered characters still inflated to the signed message");
        Assert.Equal(OfflineStatus.Valid, SignedPayload.Verify(payload, jwks).Status);
    }

    [Fact]
    public async Task RotatedOutKeyStillVerifiesUntilItIsRetired()
    {
        string oldPayload;
        using (var before = Service(("k2025", Key2025, false)))
        {
            (_, oldPayload) = await GetQrAsync(before.AdminClient(), ValidCode, "?form=signed");
        }

        // Rotation: the new key is added at the end and signs; the old one stays published.
        using (var rotated = Service(("k2025", Key2025, false), ("k2026", Key2026, false)))
        {
            var jwks = await GetJwksAsync(rotated.CreateClient());
            Assert.Equal(["k2025", "k2026"], jwks.Keys.Select(k => k.Kid));
            Assert.Equal(OfflineStatus.Valid, SignedPayload.Verify(oldPayload, jwks).Status);
            var (_, newPayload) = await GetQrAsync(rotated.AdminClient(), ValidCode, "?form=signed");
            Assert.Equal("k2026", SignedPayload.Verify(newPayload, jwks).KeyId);
            var (response, body) = await ScanAsync(rotated.CreateClient(), oldPayload);
            Assert.True(response.IsSuccessStatusCode);
            Assert.Equal("valid", body.GetProperty("recognized").GetProperty("signature").GetString());
        }

        // Retirement: the old key leaves the JWKS, and what it signed no longer verifies anywhere.
        using (var retired = Service(("k2025", Key2025, true), ("k2026", Key2026, false)))
        {
            var jwks = await GetJwksAsync(retired.CreateClient());
            Assert.Equal(["k2026"], jwks.Keys.Select(k => k.Kid));
            Assert.Equal(OfflineStatus.UnknownKey, SignedPayload.Verify(oldPayload, jwks).Status);
            var (response, body) = await ScanAsync(retired.CreateClient(), oldPayload);
            Assert.True(response.IsSuccessStatusCode);
            Assert.Equal("unknown_key", body.GetProperty("recognized").GetProperty("signature").GetString());
            Assert.Equal("anonymous", body.GetProperty("recognized").GetProperty("disclosure").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("verification").ValueKind);
            Assert.Contains(body.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "scan.signing_key_unknown");
        }
    }

    [Fact]
    public async Task SignatureOutsideTheKeysWindowFails()
    {
        using var factory = Service(("k2025", Key2025, false));
        var (_, payload) = await GetQrAsync(factory.AdminClient(), ValidCode, "?form=signed");
        var jwk = Assert.Single((await GetJwksAsync(factory.CreateClient())).Keys);
        var expired = new JsonWebKeySetDto([jwk with { Exp = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds() }]);
        Assert.Equal(OfflineStatus.OutsideKeyWindow, SignedPayload.Verify(payload, expired).Status);
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }
        return output.ToArray();
    }
}
