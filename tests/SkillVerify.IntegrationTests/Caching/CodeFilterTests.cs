using System.Globalization;
using CsCheck;
using SkillVerify.Api.Caching;
using Xunit.Abstractions;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>The Bloom filter of issued codes: never a false negative; false positives at the rate it was sized for.</summary>
public sealed class CodeFilterTests(ITestOutputHelper output)
{
    private static readonly Gen<string> Code =
        from type in Gen.OneOf('Y', 'S')
        from digits in Gen.String[Gen.Char['0', '9'], 14, 14]
        from level in Gen.OneOf('X', '5', '4', '3', '2', '1', 'T', 'S')
        from serial in Gen.String[Gen.Char['0', '9'], 6, 6]
        select type + digits + level + serial;

    [Fact]
    public void EveryCodeAddedIsAlwaysMaybeIn()
    {
        // Any set of codes, into a filter of any size (also far too small for them): not one is ruled out.
        Gen.Select(Code.HashSet[1, 2000], Gen.Long[1, 5000], Gen.Double[0.0001, 0.2]).Sample((codes, capacity, rate) =>
        {
            var filter = new CodeFilter(capacity, rate);
            foreach (var code in codes)
            {
                filter.Add(code);
            }
            return codes.All(filter.MayContain);
        }, iter: 300);
    }

    [Fact]
    public void AddingBesideReadersNeverHidesACode()
    {
        var filter = new CodeFilter(200_000, 0.001);
        var random = new Random(7);
        var codes = Enumerable.Range(0, 100_000).Select(_ => $"S{random.NextInt64(100_000_000_000_000):D14}4{random.Next(1_000_000):D6}").ToArray();
        Parallel.For(0, 4, part =>
        {
            for (var i = part; i < codes.Length; i += 4)
            {
                filter.Add(codes[i]);
                Assert.True(filter.MayContain(codes[i]));
            }
        });
        Assert.All(codes, c => Assert.True(filter.MayContain(c)));
    }

    [Fact]
    public void FilledToItsStoreCountTheFalsePositiveRateIsWhatItWasSizedFor()
    {
        // Sized as KnownCodes sizes it for a store of n codes (a quarter of headroom), filled with n distinct codes
        // (serials of one issuer-year), probed with 1M codes never added (another year). The rate depends on bits per
        // code, not on n: 2M here keeps the suite quick; SKILLVERIFY_FILTER_TEST_CODES=10000000 measures the 10M case.
        var n = int.TryParse(Environment.GetEnvironmentVariable("SKILLVERIFY_FILTER_TEST_CODES"), out var wanted) ? wanted : 2_000_000;
        var filter = new CodeFilter((long)(n * 1.25), 0.001);
        for (var i = 0; i < n; i++)
        {
            filter.Add(CodeOf(23, i));
        }
        var probes = 1_000_000;
        var positives = 0;
        for (var i = 0; i < probes; i++)
        {
            positives += filter.MayContain(CodeOf(24, i)) ? 1 : 0;
        }
        var measured = positives / (double)probes;
        output.WriteLine($"{n:N0} codes in {filter.Bytes / 1048576.0:F1} MB, {filter.Hashes} probes: measured false-positive rate {measured:P4} "
            + $"({positives} of {probes:N0}), expected {filter.ExpectedFalsePositiveRate:P4}, sized for {filter.FalsePositiveRate:P2} at {filter.Capacity:N0}.");
        Assert.InRange(filter.Bytes, 0, n * 2.5);
        Assert.InRange(measured, 0, 0.001);
        Assert.InRange(measured, filter.ExpectedFalsePositiveRate / 2, filter.ExpectedFalsePositiveRate * 2);
        Assert.False(filter.MayContain(CodeOf(25, 1)) && filter.MayContain(CodeOf(25, 2)) && filter.MayContain(CodeOf(25, 3)));
    }

    private static string CodeOf(int year, int serial) =>
        string.Create(22, (year, serial), static (span, s) =>
        {
            "Y000044030006".CopyTo(span);
            s.year.TryFormat(span[13..], out _, "00", CultureInfo.InvariantCulture);
            // Seven digits of serial across positions 16–22 (a level digit and six serial digits): distinct codes.
            (s.serial % 10).TryFormat(span[15..], out _, default, CultureInfo.InvariantCulture);
            (s.serial / 10).TryFormat(span[16..], out _, "000000", CultureInfo.InvariantCulture);
        });
}
