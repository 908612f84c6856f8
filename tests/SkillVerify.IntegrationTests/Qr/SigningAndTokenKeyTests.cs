using System.Security.Cryptography;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Signing;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>Key rotation for QR tokens and signing keys, without a host.</summary>
public class SigningAndTokenKeyTests
{
    private static readonly StorageLayout Configured = new("sqlite", "Data Source=:memory:", false, Path.GetTempPath(), false);
    private const string Code = QrTestSupport.ValidCode;

    private static QrTokenKeyOptions TokenKey(string id, bool retired = false) =>
        new() { Id = id, Key = Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))), Retired = retired };

    [Fact]
    public void OldTokenVerifiesAfterRotationUntilItsKeyIsRetired()
    {
        var before = QrTokens.Load(new QrOptions { TokenKeys = [TokenKey("k1")] }, Configured);
        var oldToken = before.Issue(Code);
        Assert.StartsWith("k1.", oldToken);

        var rotated = QrTokens.Load(new QrOptions { TokenKeys = [TokenKey("k1"), TokenKey("k2")] }, Configured);
        Assert.StartsWith("k2.", rotated.Issue(Code));
        Assert.Equal(TokenState.Valid, rotated.Check(Code, oldToken));

        var retired = QrTokens.Load(new QrOptions { TokenKeys = [TokenKey("k1", retired: true), TokenKey("k2")] }, Configured);
        Assert.Equal(TokenState.Invalid, retired.Check(Code, oldToken));
        Assert.Equal(TokenState.Valid, retired.Check(Code, rotated.Issue(Code)));
    }

    [Fact]
    public void TokenIsBoundToItsCodeAndCannotBeAltered()
    {
        var tokens = QrTokens.Load(new QrOptions { TokenKeys = [TokenKey("k1")] }, Configured);
        var token = tokens.Issue(Code);
        Assert.Equal(TokenState.Valid, tokens.Check(Code, token));
        Assert.Equal(TokenState.Invalid, tokens.Check("Y000044030006233000124", token));
        Assert.Equal(TokenState.Invalid, tokens.Check(Code, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Equal(TokenState.Invalid, tokens.Check(Code, "zz" + token[2..]));
        Assert.Equal(TokenState.Invalid, tokens.Check(Code, "no-dot"));
        Assert.Equal(TokenState.Missing, tokens.Check(Code, null));
    }

    [Fact]
    public void WithoutConfiguredKeysOutsideTheDemoTokensAreOff()
    {
        var tokens = QrTokens.Load(new QrOptions(), Configured);
        Assert.False(tokens.Enabled);
        Assert.Equal(TokenState.Invalid, tokens.Check(Code, "demo.AAAAAAAAAAAAAAAA"));
    }

    [Fact]
    public void WrongSettingsAreNamedInTheError()
    {
        var qr = QrTokens.Validate(new QrOptions { PublicBaseUrl = "verify.example.gov.cn", TokenKeys = [new() { Id = "K 1", Key = "c2hvcnQ=" }] });
        Assert.Contains(qr, e => e.StartsWith("Qr:PublicBaseUrl", StringComparison.Ordinal));
        Assert.Contains(qr, e => e.StartsWith("Qr:TokenKeys:0:Id", StringComparison.Ordinal));
        Assert.Contains(qr, e => e.StartsWith("Qr:TokenKeys:0:Key", StringComparison.Ordinal));

        using var rsa = RSA.Create(2048);
        var signing = SigningKeys.Validate(new SigningOptions
        {
            Keys = [new() { Id = "a", PrivateKeyPem = "not a key" }, new() { Id = "b", PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem() }],
            ActiveKeyId = "c",
        });
        Assert.Contains(signing, e => e.StartsWith("Signing:Keys:0", StringComparison.Ordinal));
        Assert.Contains(signing, e => e.StartsWith("Signing:Keys:1", StringComparison.Ordinal));
        Assert.Contains(signing, e => e.StartsWith("Signing:ActiveKeyId", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLastKeyThatIsNotRetiredSignsAndRetiredKeysAreNotPublished()
    {
        var options = new SigningOptions
        {
            Keys =
            [
                new() { Id = "2025", PrivateKeyPem = QrTestSupport.NewPrivateKeyPem(), NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), NotAfter = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) },
                new() { Id = "2026", PrivateKeyPem = QrTestSupport.NewPrivateKeyPem() },
                new() { Id = "2024", PrivateKeyPem = QrTestSupport.NewPrivateKeyPem(), Retired = true },
            ],
        };
        Assert.Empty(SigningKeys.Validate(options));
        var keys = SigningKeys.Load(options, Configured);
        Assert.Equal("2026", keys.Active!.KeyId);
        Assert.Equal(["2025", "2026"], keys.Jwks.Keys.Select(k => k.Kid));
        var published = keys.Jwks.Keys[0];
        Assert.Equal(("EC", "P-256", "ES256", "sig"), (published.Kty, published.Crv, published.Alg, published.Use));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), published.Nbf);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), published.Exp);
        Assert.False(keys.TryFind("2024", out _));

        // ES256 for receipts: verifies with the published key within its window, not outside it.
        var (kid, signature) = keys.SignEs256("receipt"u8);
        Assert.True(keys.VerifyEs256(kid, "receipt"u8, signature, DateTimeOffset.UtcNow));
        Assert.False(keys.VerifyEs256(kid, "receipt!"u8, signature, DateTimeOffset.UtcNow));
        var old = keys.Published[0];
        Assert.False(old.CoversInstant(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(old.CoversInstant(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero)));
    }
}
