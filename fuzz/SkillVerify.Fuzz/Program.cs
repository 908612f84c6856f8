using System.Text;
using SharpFuzz;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Fuzz;

/// <summary>
/// afl++ harnesses, one per parser, chosen by the first argument (see fuzz/run.sh). An exception that
/// escapes a harness is a crash afl++ records. Besides "does not throw", each harness checks the
/// parser's promises, so a wrong answer is a crash too.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Action<string>> Targets = new(StringComparer.Ordinal)
    {
        ["decoder"] = Harnesses.Decoder,
        // ["scan-payload"] = Harnesses.ScanPayload,   // issue 5's QR scan-payload parser goes here.
    };

    public static int Main(string[] args)
    {
        var name = args.Length > 0 ? args[0] : "decoder";
        if (!Targets.TryGetValue(name, out var target))
        {
            Console.Error.WriteLine($"Unknown target '{name}'. Targets: {string.Join(", ", Targets.Keys)}");
            return 2;
        }
        // --once FILE replays one input without afl++ (how a crash is reproduced and turned into a unit test).
        if (args.Length > 2 && args[1] == "--once")
        {
            target(Harnesses.ToText(File.ReadAllBytes(args[2])));
            Console.WriteLine("no failure");
            return 0;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(Harnesses.ToText(buffer.ToArray()));
        });
        return 0;
    }
}

public static class Harnesses
{
    /// <summary>
    /// Bytes to text two ways: a leading 0x00 byte reads the rest as raw UTF-16 (so lone surrogates and
    /// any char reach the parser, as they can through JSON escapes); otherwise UTF-8 as a browser sends it.
    /// </summary>
    public static string ToText(byte[] data) =>
        data.Length > 0 && data[0] == 0
            ? new string(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(data.AsSpan(1, (data.Length - 1) & ~1)))
            : Encoding.UTF8.GetString(data);

    public static void Decoder(string input)
    {
        var result = CodeParser.Parse(input);
        if (result.Error is { } error)
        {
            Require(result.Code is null && result.Legacy is null, "an error result also carries a code");
            Require(error.Position >= 0 && error.Position <= CodeParser.MaxInputLength + 1, $"error position {error.Position} out of range");
            Require(!string.IsNullOrEmpty(error.Code) && !string.IsNullOrEmpty(error.MessageZh) && !string.IsNullOrEmpty(error.MessageEn), "an error without code or messages");
        }
        else if (result.Code is { } code)
        {
            Require(code.Value.Length == CertificateCode.Length, "a skill-level code that is not 22 characters");
            Require(code.Value.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')), "a canonical code with a character outside A–Z 0–9");
            Require(CodeParser.Parse(code.Value).Code == code, "the canonical form does not parse to itself");
            Require(CodeParser.Parse(code.ToDisplayString()).Code == code, "the display form does not parse back");
            Require(code.ToMaskedString().Length == CertificateCode.Length && code.ToMaskedString().EndsWith("******", StringComparison.Ordinal), "the masked form shows the serial");
            _ = (code.Level, code.Province, code.IssueYear, code.OrganizationCode);
            Require(CodeParser.ParseOrganizationCode(code.OrganizationCode).Code == code.OrganizationCode, "the organization code of a valid code does not parse");
        }
        else
        {
            var legacy = result.Legacy ?? throw new InvalidOperationException("neither code, legacy nor error");
            Require(legacy.Value.Length is 13 or 16 && legacy.Value.All(char.IsAsciiDigit), "a legacy code that is not 13 or 16 digits");
            Require(CodeParser.Parse(legacy.Value).Legacy == legacy, "the legacy form does not parse to itself");
            _ = (legacy.Region, legacy.Agency, legacy.Level, legacy.AgencyCode, legacy.Serial);
        }

        var (organization, organizationError) = CodeParser.ParseOrganizationCode(input);
        Require((organization is null) != (organizationError is null), "organization code: exactly one of code and error expected");
        if (organization is not null)
        {
            Require(organization.Length == CertificateCode.OrganizationCodeLength, "an organization code that is not 13 characters");
            Require(CodeParser.ParseOrganizationCode(organization).Code == organization, "an organization code that does not parse to itself");
        }
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Decoder promise broken: " + what);
        }
    }
}
