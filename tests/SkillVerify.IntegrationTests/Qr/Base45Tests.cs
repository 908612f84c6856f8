using System.Text;
using SkillVerify.Api.Qr;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>Base45 against the examples of RFC 9285 §4.</summary>
public class Base45Tests
{
    [Theory]
    [InlineData("AB", "BB8")]
    [InlineData("Hello!!", "%69 VD92EX0")]
    [InlineData("base-45", "UJCLQE7W581")]
    [InlineData("ietf!", "QED8WEX0")]
    [InlineData("", "")]
    public void EncodesAndDecodesTheRfcExamples(string text, string encoded)
    {
        Assert.Equal(encoded, Base45.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.True(Base45.TryDecode(encoded, out var decoded));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData("GGW")]      // 65536: above two bytes (RFC 9285 §6)
    [InlineData("A")]        // a dangling single character
    [InlineData("BB8a")]     // lowercase is outside the alphabet
    [InlineData("QED8WE~0")] // a character outside the alphabet
    [InlineData("ZZ")]       // 2024: above one byte
    public void RejectsWhatIsNotBase45(string text) => Assert.False(Base45.TryDecode(text, out _));

    [Fact]
    public void RoundTripsEveryByteValueAndLength()
    {
        var random = new Random(45);
        for (var length = 0; length < 70; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            if (length > 1)
            {
                data[0] = 0xFF;
                data[1] = 0xFF;
            }
            Assert.True(Base45.TryDecode(Base45.Encode(data), out var back));
            Assert.Equal(data, back);
        }
    }
}
