using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace SkillVerify.Api.Caching;

/// <summary>
/// A Bloom filter of certificate codes: "never issued" for certain, or "maybe". A code once added is always "maybe"
/// (no false negatives); a code never added is "maybe" with probability <see cref="FalsePositiveRate"/> while at
/// most <see cref="Capacity"/> codes are in. Written here because the NuGet list has no Bloom, cuckoo or xor filter
/// package (checked: <c>packages/nuget.tsv</c> for bloom|cuckoo|xor filter|probabilistic) — it is 60 lines over
/// <see cref="XxHash128"/>, tested for the no-false-negative property (CodeFilterTests).
/// Sized as m = −n·ln p / (ln 2)² bits and k = (m/n)·ln 2 probes: at p = 0.001, 14.4 bits (1.8 bytes) a code and
/// k = 10, so 10M codes take 18 MB. <see cref="Add"/> is lock-free and safe beside readers (one atomic OR per bit).
/// </summary>
public sealed class CodeFilter
{
    private readonly ulong[] words;
    private readonly ulong bits;
    private long added;

    public CodeFilter(long capacity, double falsePositiveRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(falsePositiveRate is > 0 and < 1, true, nameof(falsePositiveRate));
        var m = Math.Ceiling(-capacity * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        words = new ulong[(long)Math.Ceiling(Math.Max(m, 64) / 64)];
        bits = (ulong)words.LongLength * 64;
        Hashes = Math.Clamp((int)Math.Round(bits / (double)capacity * Math.Log(2)), 1, 30);
        Capacity = capacity;
        FalsePositiveRate = falsePositiveRate;
    }

    public long Capacity { get; }

    /// <summary>The rate it was sized for, at <see cref="Capacity"/> codes.</summary>
    public double FalsePositiveRate { get; }

    public int Hashes { get; }

    public long Bytes => words.LongLength * sizeof(ulong);

    /// <summary>Codes added, a code added twice counted twice (an upper bound of the codes in).</summary>
    public long Added => Volatile.Read(ref added);

    /// <summary>The false-positive rate expected with <see cref="Added"/> codes in: (1 − e^(−kn/m))^k.</summary>
    public double ExpectedFalsePositiveRate => Math.Pow(1 - Math.Exp(-Hashes * (double)Added / bits), Hashes);

    public void Add(string code)
    {
        var (h1, h2) = Hash(code);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = Reduce(h1 + (ulong)i * h2);
            Interlocked.Or(ref words[bit >> 6], 1UL << (int)(bit & 63));
        }
        Interlocked.Increment(ref added);
    }

    /// <summary>False only for a code never added.</summary>
    public bool MayContain(string code)
    {
        var (h1, h2) = Hash(code);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = Reduce(h1 + (ulong)i * h2);
            if ((Volatile.Read(ref words[bit >> 6]) & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }
        return true;
    }

    // Two independent 64-bit hashes from one 128-bit hash; the probes are h1 + i·h2 (Kirsch–Mitzenmacher).
    private static (ulong, ulong) Hash(string code)
    {
        var h = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(code.AsSpan()));
        return ((ulong)h, (ulong)(h >> 64) | 1);
    }

    // A 64-bit value onto [0, bits) without a division (Lemire's multiply-shift).
    private ulong Reduce(ulong x) => (ulong)(((UInt128)x * bits) >> 64);
}
