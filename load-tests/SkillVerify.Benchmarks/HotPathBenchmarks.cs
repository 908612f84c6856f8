using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Benchmarks;

/// <summary>The pure steps of a hot verification, each with its allocations.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HotPathBenchmarks : IDisposable
{
    private static readonly CodeDecoder Decoder = new(CodeRuleSettings.Default, TimeProvider.System);
    private static readonly HolderHasher Hasher = new(new byte[32]);
    private readonly MemoryStream sink = new();
    private DecodedCode decoded = null!;
    private OrganizationRecord issuer = null!;
    private CertificateRecord record = null!;
    private HolderClaim claim = null!;
    private VerificationResponse response = null!;

    [GlobalSetup]
    public void Setup()
    {
        decoded = Decoder.Decode("Y000044030006233000123");
        issuer = new OrganizationRecord("Y000044030006", 'Y', "深圳华强精密制造有限公司", "44", null, null, null, new(2020, 3, 1), null,
            [new(OrganizationStatus.Registered, new(2020, 3, 1), null)],
            [new("6-31-01-03", "电工", null, "X54321TS", new(2020, 3, 1), null)], [], [], DateTimeOffset.UnixEpoch);
        record = new CertificateRecord("Y000044030006233000123", "Y000044030006", '3', new(2023, 6, 15), "6-31-01-03", "电工", null,
            Hasher.HashName("王小明"), "王*明", null, null, "考核", CertificateStatus.Active, null, null, null, null, ReviewState.NotRequired, DateTimeOffset.UnixEpoch);
        claim = new HolderClaim(Hasher.HashName("王小明"), null);
        var result = Verify();
        response = new VerificationResponse("VALID",
            result.Checks.Select(c => new CheckDto(c.Name, VerificationService.StatusName(c.Status), c.Code, c.MessageZh, c.MessageEn)).ToList(),
            null, new FreshnessDto(1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, true));
    }

    [Benchmark]
    public ParseResult Parse() => CodeParser.Parse("y 0000 44 030006 23 3 000123");

    [Benchmark]
    public DecodedCode Decode() => Decoder.Decode("Y000044030006233000123");

    [Benchmark]
    public byte[] HashName() => Hasher.HashName("王小明");

    [Benchmark]
    public VerificationResult Verify() =>
        Verifier.Verify(new VerificationInput(decoded, Lookup<OrganizationRecord>.Found(issuer), Lookup<CertificateRecord>.Found(record), claim, Disclosure.Anonymous, new DateOnly(2026, 11, 24)));

    /// <summary>A code of an unregistered issuer with a name: what the notfound and flood rows answer, every check's words made.</summary>
    [Benchmark]
    public VerificationResult VerifyNotFound() =>
        Verifier.Verify(new VerificationInput(decoded, Lookup<OrganizationRecord>.NotFound, Lookup<CertificateRecord>.NotFound, claim, Disclosure.Anonymous, new DateOnly(2026, 11, 24)));

    [Benchmark]
    public long SerializeResponse()
    {
        sink.Position = 0;
        JsonSerializer.Serialize(sink, response, VerificationJson.Default.VerificationResponse);
        return sink.Position;
    }

    public void Dispose()
    {
        sink.Dispose();
        GC.SuppressFinalize(this);
    }
}
