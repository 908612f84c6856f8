namespace SkillVerify.Api.Qr;

/// <summary>
/// Base45 (RFC 9285): bytes as characters of the QR alphanumeric set, so a binary payload fills a QR
/// code in its dense alphanumeric mode (the EU digital COVID certificate's encoding). Written here
/// because it is about forty lines and no maintained NuGet package for it is available on our package
/// mirror; tested against the RFC's own examples.
/// </summary>
public static class Base45
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[data.Length / 2 * 3 + data.Length % 2 * 2];
        var o = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            // Two bytes a, b are the number a·256 + b, written as c + d·45 + e·45² (least significant first).
            var n = data[i] * 256 + data[i + 1];
            chars[o++] = Alphabet[n % 45];
            chars[o++] = Alphabet[n / 45 % 45];
            chars[o++] = Alphabet[n / 2025];
        }
        if (data.Length % 2 == 1)
        {
            var n = data[^1];
            chars[o++] = Alphabet[n % 45];
            chars[o] = Alphabet[n / 45];
        }
        return new string(chars);
    }

    /// <summary>Decodes Base45; false for a character outside the alphabet, a dangling character, or a group above its byte range.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length % 3 == 1)
        {
            return false;
        }
        var bytes = new byte[text.Length / 3 * 2 + (text.Length % 3 == 2 ? 1 : 0)];
        var o = 0;
        for (var i = 0; i < text.Length; i += 3)
        {
            var remaining = Math.Min(3, text.Length - i);
            var n = 0;
            var factor = 1;
            for (var j = 0; j < remaining; j++)
            {
                var v = Alphabet.IndexOf(text[i + j]);
                if (v < 0)
                {
                    return false;
                }
                n += v * factor;
                factor *= 45;
            }
            if (remaining == 3)
            {
                if (n > 0xFFFF)
                {
                    return false;
                }
                bytes[o++] = (byte)(n >> 8);
                bytes[o++] = (byte)n;
            }
            else
            {
                if (n > 0xFF)
                {
                    return false;
                }
                bytes[o++] = (byte)n;
            }
        }
        data = bytes;
        return true;
    }
}
