using System.Collections.Concurrent;
using SkillVerify.Data;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Verification;

/// <summary>
/// Answers to questions asked again — the same code, the same holder-data hashes, the same view — kept with the very
/// inputs they were computed from: the issuer and certificate record objects the record cache returned, the registry
/// snapshot and the day. A memoized answer is only used when the record cache hands back those same objects (any
/// write, eviction or reload gives new ones), the snapshot is equal and the day has not changed, so it is the
/// answer the checks would give again, byte for byte. It saves the checks, building the answer and (with
/// <see cref="Encoded"/>) serializing it: about a third of a hot verification's own work.
/// Bounded by <c>Cache:AnswerMemoEntries</c> (0 turns it off); in process only, keyed by HMACs, never names.
/// </summary>
public sealed class AnswerMemo(int capacity)
{
    private readonly ConcurrentDictionary<AnswerKey, Entry> entries = new();

    // The same entries found by the answer object itself, by reference (so a copy made with `with` never matches).
    private readonly ConcurrentDictionary<VerificationResponse, Entry> byAnswer = new(ReferenceEqualityComparer.Instance);

    public int Count => entries.Count;

    public VerificationResponse? Find(in AnswerKey key, in AnswerInputs inputs) =>
        capacity > 0 && entries.TryGetValue(key, out var entry) && entry.Inputs.SameAs(inputs) ? entry.Response : null;

    public void Remember(in AnswerKey key, in AnswerInputs inputs, VerificationResponse response)
    {
        if (capacity <= 0)
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

    /// <summary>The serialized bytes of a memoized answer (computed once by <paramref name="encode"/>); null for any other answer.</summary>
    public byte[]? Encoded(VerificationResponse response, Func<VerificationResponse, byte[]> encode) =>
        byAnswer.TryGetValue(response, out var entry) ? entry.Bytes ??= encode(response) : null;

    /// <summary>
    /// A rendering of a memoized answer (the mobile page: one per language and link), made once by
    /// <paramref name="render"/>; null for any other answer. At most <see cref="MaxRenderings"/> per answer.
    /// </summary>
    public byte[]? Rendered(VerificationResponse response, string variant, Func<byte[]> render)
    {
        if (!byAnswer.TryGetValue(response, out var entry))
        {
            return null;
        }
        var renderings = entry.Renderings ?? Interlocked.CompareExchange(ref entry.Renderings, new ConcurrentDictionary<string, byte[]>(), null) ?? entry.Renderings;
        if (renderings.TryGetValue(variant, out var known))
        {
            return known;
        }
        var bytes = render();
        if (renderings.Count < MaxRenderings)
        {
            renderings.TryAdd(variant, bytes);
        }
        return bytes;
    }

    public const int MaxRenderings = 8;

    private sealed class Entry(AnswerInputs inputs, VerificationResponse response)
    {
        public ConcurrentDictionary<string, byte[]>? Renderings;

        public AnswerInputs Inputs { get; } = inputs;

        public VerificationResponse Response { get; } = response;

        public byte[]? Bytes;
    }
}

/// <summary>What a question is: the canonical code, the holder-data hashes, the view and who answers.</summary>
public readonly struct AnswerKey(string code, byte[]? nameHash, byte[]? idHash, Disclosure disclosure, bool recordsHere, AnsweredByDto? answeredBy)
    : IEquatable<AnswerKey>
{
    private readonly string code = code;
    private readonly byte[]? nameHash = nameHash;
    private readonly byte[]? idHash = idHash;
    private readonly Disclosure disclosure = disclosure;
    private readonly bool recordsHere = recordsHere;
    private readonly AnsweredByDto? answeredBy = answeredBy;

    public bool Equals(AnswerKey other) =>
        code == other.code && disclosure == other.disclosure && recordsHere == other.recordsHere && Same(nameHash, other.nameHash) && Same(idHash, other.idHash)
        && EqualityComparer<AnsweredByDto?>.Default.Equals(answeredBy, other.answeredBy);

    public override bool Equals(object? obj) => obj is AnswerKey other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(code, nameHash is { Length: >= 8 } n ? BitConverter.ToInt64(n) : 0, idHash is { Length: >= 8 } i ? BitConverter.ToInt64(i) : 0, disclosure);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>What an answer was computed from; <see cref="SameAs"/> compares records by identity (new data is a new object).</summary>
public readonly record struct AnswerInputs(OrganizationRecord? Issuer, CertificateRecord? Record, RegistrySnapshot Snapshot, DateOnly Today, bool IssuerFromCache, bool RecordFromCache,
    OrganizationRecord? Parent = null)
{
    public bool SameAs(in AnswerInputs other) =>
        ReferenceEquals(Issuer, other.Issuer) && ReferenceEquals(Record, other.Record) && ReferenceEquals(Parent, other.Parent) && Snapshot == other.Snapshot && Today == other.Today
        && IssuerFromCache == other.IssuerFromCache && RecordFromCache == other.RecordFromCache;
}
