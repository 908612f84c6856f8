using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using SkillVerify.Data;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>
/// Answers to questions asked again — the same code, the same holder-data hashes, the same view — kept with the very
/// inputs they were computed from: the issuer, parent body and certificate record objects the record cache returned,
/// the registry snapshot and the day. A memoized answer is used only while the record cache hands back those same
/// objects (a write, an eviction or a reload gives new ones), the snapshot is equal and the day the same, so it is the
/// answer the checks would give again, byte for byte. It saves the checks, building the answer and serializing it
/// (<see cref="Encoded"/>): a quarter of a hot verification's CPU (load-tests/README.md, "Optimizations").
/// FusionCache keeps records, not answers; no library keeps an answer tied to the identity of the objects it was made
/// from, which is what makes reusing it safe without any invalidation of its own.
/// Bounded by <c>Cache:AnswerMemoEntries</c> (0 turns it off); in process only, keyed by HMACs, never names.
/// An answer is admitted the second time it is made from the same record objects (a doorkeeper, as in TinyLFU): where
/// the records are new objects on every read (L1 too small, records from Redis each time) nothing is admitted, so the
/// memo costs those requests one array read instead of keeping thousands of answers no request will reuse.
/// </summary>
public sealed class AnswerMemo(int capacity)
{
    private readonly ConcurrentDictionary<AnswerKey, Entry> entries = new();

    // The doorkeeper: per slot, a hash of the last question and the identities of the records it was answered from.
    // A collision only admits an answer early (Find still compares the records by reference).
    private readonly long[] seen = new long[capacity > 0 ? (int)BitOperations.RoundUpToPowerOf2((uint)capacity) : 0];

    // The same entries found by the answer object itself, by reference (a copy made with `with` never matches).
    private readonly ConcurrentDictionary<VerificationResponse, Entry> byAnswer = new(ReferenceEqualityComparer.Instance);

    public int Count => entries.Count;

    public VerificationResponse? Find(in AnswerKey key, in AnswerInputs inputs) =>
        capacity > 0 && entries.TryGetValue(key, out var entry) && entry.Inputs.SameAs(inputs) ? entry.Response : null;

    public void Remember(in AnswerKey key, in AnswerInputs inputs, VerificationResponse response)
    {
        if (capacity <= 0 || !SeenBefore(key, inputs))
        {
            return;
        }
        if (entries.Count >= capacity)
        {
            // Crude but bounded: a full memo starts again (the hot set refills it within a few requests).
            entries.Clear();
            byAnswer.Clear();
        }
        var entry = new Entry(inputs, response);
        if (entries.TryGetValue(key, out var replaced))
        {
            byAnswer.TryRemove(replaced.Response, out _);
        }
        entries[key] = entry;
        byAnswer[response] = entry;
    }

    private bool SeenBefore(in AnswerKey key, in AnswerInputs inputs)
    {
        var hash = ((long)key.GetHashCode() << 32) | (uint)HashCode.Combine(RuntimeHelpers.GetHashCode(inputs.Record), RuntimeHelpers.GetHashCode(inputs.Issuer),
            RuntimeHelpers.GetHashCode(inputs.Parent), inputs.Snapshot, inputs.Today);
        ref var slot = ref seen[(int)((ulong)hash % (ulong)seen.Length)];
        if (Volatile.Read(ref slot) == hash)
        {
            return true;
        }
        Volatile.Write(ref slot, hash);
        return false;
    }

    /// <summary>The serialized bytes of a memoized answer (made once by <paramref name="encode"/>); null for any other answer.</summary>
    public byte[]? Encoded(VerificationResponse response, Func<VerificationResponse, byte[]> encode) =>
        byAnswer.TryGetValue(response, out var entry) ? entry.Bytes ??= encode(response) : null;

    private sealed class Entry(AnswerInputs inputs, VerificationResponse response)
    {
        public AnswerInputs Inputs { get; } = inputs;

        public VerificationResponse Response { get; } = response;

        public byte[]? Bytes;
    }
}

/// <summary>What a question is: the canonical code, the holder-data hashes, the view and who answers.</summary>
public readonly struct AnswerKey(string code, byte[]? nameHash, byte[]? idHash, Disclosure disclosure, AnsweredByDto? answeredBy) : IEquatable<AnswerKey>
{
    private readonly string code = code;
    private readonly byte[]? nameHash = nameHash;
    private readonly byte[]? idHash = idHash;
    private readonly Disclosure disclosure = disclosure;
    private readonly AnsweredByDto? answeredBy = answeredBy;

    public bool Equals(AnswerKey other) =>
        code == other.code && disclosure == other.disclosure && Same(nameHash, other.nameHash) && Same(idHash, other.idHash)
        && EqualityComparer<AnsweredByDto?>.Default.Equals(answeredBy, other.answeredBy);

    public override bool Equals(object? obj) => obj is AnswerKey other && Equals(other);

    public static bool operator ==(AnswerKey left, AnswerKey right) => left.Equals(right);

    public static bool operator !=(AnswerKey left, AnswerKey right) => !left.Equals(right);

    public override int GetHashCode() =>
        HashCode.Combine(code, nameHash is { Length: >= 8 } n ? BitConverter.ToInt64(n) : 0, idHash is { Length: >= 8 } i ? BitConverter.ToInt64(i) : 0, disclosure);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>What an answer was computed from; <see cref="SameAs"/> compares records by identity (new data is a new object).</summary>
public readonly record struct AnswerInputs(OrganizationRecord? Issuer, OrganizationRecord? Parent, CertificateRecord? Record, RegistrySnapshot Snapshot, DateOnly Today)
{
    public bool SameAs(in AnswerInputs other) =>
        ReferenceEquals(Issuer, other.Issuer) && ReferenceEquals(Parent, other.Parent) && ReferenceEquals(Record, other.Record) && Snapshot == other.Snapshot && Today == other.Today;
}
