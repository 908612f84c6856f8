using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>
/// Signed receipts (JWS, ES256) checked the way a third party would: with nothing but the published
/// /.well-known/jwks.json — valid as issued, broken by any changed character, refused under an unknown key id.
/// </summary>
public class ReceiptTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    private async Task<(string Receipt, string PartnerId)> BatchReceiptAsync()
    {
        var partner = await factory.CreatePartnerKeyAsync();
        var response = await factory.CreateClient().WithKey(partner.Plaintext).PostJsonAsync("/api/v1/verifications/batch", new
        {
            items = new object[]
            {
                new { code = "Y000044030006233000123", holderName = "王小明" },
                new { code = "S000032010101224000456", holderName = "张伟" },
                new { holderName = "没有编号" },
            },
            receipt = true,
        });
        var body = await response.JsonAsync();
        Assert.Equal("issued", body.Str("receiptStatus"));
        return (body.Str("receipt"), partner.Key.Id);
    }

    private async Task<JsonElement> JwksAsync() => await (await factory.CreateClient().GetAsync("/.well-known/jwks.json")).JsonAsync();

    [Fact]
    public async Task AReceiptVerifiesWithThePublishedKeysAlone()
    {
        var (receipt, partnerId) = await BatchReceiptAsync();
        var jwks = await JwksAsync();

        Assert.True(ThirdParty.Verify(receipt, jwks));
        var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(receipt.Split('.')[1])).RootElement;
        Assert.Equal(partnerId, payload.Str("partnerKeyId"));
        var items = payload.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Y000044030006233000123", "S000032010101224000456"], items.Take(2).Select(i => i.Str("code")));
        Assert.Equal(["VALID", "INVALID"], items.Take(2).Select(i => i.Str("outcome")));
        Assert.Equal("request.code_required", items[2].Str("errorCode"));
        Assert.True(items[0].GetProperty("registrySnapshot").GetInt64() > 0);
        // What was checked, not who: no holder name in the receipt.
        Assert.DoesNotContain("王", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(receipt.Split('.')[1])));
    }

    [Fact]
    public async Task ChangingAnyCharacterBreaksTheReceipt()
    {
        var (receipt, _) = await BatchReceiptAsync();
        var jwks = await JwksAsync();

        for (var i = 0; i < receipt.Length; i++)
        {
            if (receipt[i] == '.')
            {
                continue;
            }
            var changed = receipt[..i] + (receipt[i] == 'A' ? 'B' : 'A') + receipt[(i + 1)..];
            Assert.False(ThirdParty.Verify(changed, jwks), $"A receipt changed at position {i} still verified.");
        }
    }

    [Fact]
    public async Task AReceiptUnderAnUnknownKeyIdIsRefused()
    {
        var (receipt, _) = await BatchReceiptAsync();
        var jwks = await JwksAsync();
        var payload = receipt.Split('.')[1];
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        string Forge(string kid)
        {
            var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{kid}}","typ":"skillverify-receipt+jws"}"""));
            var signature = stranger.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return header + "." + payload + "." + Base64Url.EncodeToString(signature);
        }

        var realKid = jwks.GetProperty("keys")[0].Str("kid");
        Assert.False(ThirdParty.Verify(Forge("not-a-published-key"), jwks));
        Assert.False(ThirdParty.Verify(Forge(realKid), jwks));
    }

    /// <summary>A verifier that has only the JWKS: strict base64url, ES256, the key found by kid and valid at checkedAt.</summary>
    private static class ThirdParty
    {
        public static bool Verify(string jws, JsonElement jwks)
        {
            var parts = jws.Split('.');
            if (parts.Length != 3 || !TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
            {
                return false;
            }
            try
            {
                var header = JsonDocument.Parse(headerBytes).RootElement;
                if (header.Str("alg") != "ES256")
                {
                    return false;
                }
                var kid = header.Str("kid");
                var key = jwks.GetProperty("keys").EnumerateArray().FirstOrDefault(k => k.Str("kid") == kid);
                if (key.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }
                var checkedAt = JsonDocument.Parse(payloadBytes).RootElement.GetProperty("checkedAt").GetDateTimeOffset().ToUnixTimeSeconds();
                if ((key.TryGetProperty("nbf", out var nbf) && checkedAt < nbf.GetInt64()) || (key.TryGetProperty("exp", out var exp) && checkedAt > exp.GetInt64()))
                {
                    return false;
                }
                using var ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64Url.DecodeFromChars(key.Str("x")), Y = Base64Url.DecodeFromChars(key.Str("y")) },
                });
                return ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
            {
                return false;
            }
        }

        /// <summary>Only the canonical encoding: a character that changes nothing but unused bits is still a change.</summary>
        private static bool TryDecode(string text, out byte[] bytes)
        {
            bytes = [];
            try
            {
                bytes = Base64Url.DecodeFromChars(text);
            }
            catch (FormatException)
            {
                return false;
            }
            return Base64Url.EncodeToString(bytes) == text;
        }
    }
}
