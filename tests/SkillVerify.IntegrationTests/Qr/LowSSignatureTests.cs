using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using SkillVerify.Api.Qr;
using SkillVerify.Api.Signing;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>
/// ECDSA signatures have two valid forms, (r, s) and (r, n − s). The service only ever produces the low-S form and
/// refuses the high-S twin of anything it signed, offline QR payloads and receipts alike.
/// </summary>
public sealed class LowSSignatureTests
{
    // P-256's group order, written out here independently of the service.
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly SigningKey Key = new("k1", ECDsa.Create(ECCurve.NamedCurves.nistP256), canSign: true, null, null);

    private static OfflineClaims Claims() => new("Y000044030006233000123", "3", "高级工", "6-31-01-03", "电工", "Y000044030006", "深圳华强精密制造有限公司",
        "2023-06-01", "王*明", "k1", DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static BigInteger S(ReadOnlySpan<byte> signature) => new(signature[32..], isUnsigned: true, isBigEndian: true);

    private static byte[] Twin(ReadOnlySpan<byte> signature)
    {
        var twin = signature.ToArray();
        var high = (N - S(signature)).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(twin, 32, 32);
        high.CopyTo(twin, 64 - high.Length);
        return twin;
    }

    private static byte[] Cose(string payload)
    {
        Assert.True(Base45.TryDecode(payload.AsSpan(SignedPayload.Prefix.Length), out var compressed));
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    private static string Payload(byte[] cose)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(cose);
        }
        return SignedPayload.Prefix + Base45.Encode(compressed.ToArray());
    }

    [Fact]
    public void OfflinePayloadsAreNeverSignedHighS()
    {
        // Half of raw ECDSA signatures are high-S: 64 in a row all low has a chance of 2^-64 without the rule.
        for (var i = 0; i < 64; i++)
        {
            var message = CoseMessage.DecodeSign1(Cose(SignedPayload.Create(Claims(), Key)));
            Assert.True(S(message.Signature.Span) <= N / 2, $"payload {i} is high-S");
        }
    }

    [Fact]
    public void ReceiptSignaturesAreNeverHighS()
    {
        var keys = new SigningKeys([Key], null);
        for (var i = 0; i < 64; i++)
        {
            var (_, signature) = keys.SignEs256(Encoding.ASCII.GetBytes("receipt " + i));
            Assert.True(S(signature) <= N / 2, $"signature {i} is high-S");
            Assert.True(keys.VerifyEs256("k1", Encoding.ASCII.GetBytes("receipt " + i), signature, DateTimeOffset.UtcNow));
        }
    }

    [Fact]
    public void TheHighSTwinOfAValidOfflinePayloadIsRefused()
    {
        var keys = new SigningKeys([Key], null);
        var payload = SignedPayload.Create(Claims(), Key);
        var cose = Cose(payload);
        var signature = CoseMessage.DecodeSign1(cose).Signature.ToArray();
        // The signature is the last byte string of the COSE_Sign1 array: its 64 bytes end the message.
        Assert.Equal(signature, cose[^64..]);
        var twinCose = cose[..^64].Concat(Twin(signature)).ToArray();

        // The twin is a mathematically valid ECDSA signature over the same content…
        Assert.True(CoseMessage.DecodeSign1(twinCose).VerifyEmbedded(Key.Key));
        // …and still refused.
        Assert.Equal(OfflineStatus.Valid, SignedPayload.Verify(payload, keys).Status);
        Assert.Equal(OfflineStatus.BadSignature, SignedPayload.Verify(Payload(twinCose), keys).Status);
    }

    [Fact]
    public void TheHighSTwinOfAValidReceiptSignatureIsRefused()
    {
        var keys = new SigningKeys([Key], null);
        var data = Encoding.ASCII.GetBytes("eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ");
        var (_, signature) = keys.SignEs256(data);
        var twin = Twin(signature);

        Assert.True(Key.Key.VerifyData(data, twin, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(keys.VerifyEs256("k1", data, signature, DateTimeOffset.UtcNow));
        Assert.False(keys.VerifyEs256("k1", data, twin, DateTimeOffset.UtcNow));
    }
}
