using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkillVerify.Domain.Verification;

/// <summary>One value a sentence is filled with, in Chinese and in English (the same text for numbers, codes and dates).</summary>
public readonly record struct Arg(string Name, string Zh, string En)
{
    public Arg(string name, string value) : this(name, value, value)
    {
    }

    public Arg(string name, int value) : this(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
    }
}

/// <summary>A sentence in both languages, with <c>{name}</c> placeholders.</summary>
public sealed record SentenceText(string Zh, string En);

/// <summary>
/// The Chinese and English sentences of the checks, from <c>Reference/checks.json</c>: by check name, then by the check's
/// code (<c>code#variant</c> for a second sentence of one code); <c>*</c> holds those any check may carry. The checks
/// choose a sentence and fill it; they hold no words of their own.
/// </summary>
public static class Sentences
{
    private static readonly Document Data = Load();

    // By check, then by key (a check's own and the shared "*" ones): a lookup builds no "check/key" string. Each entry
    // keeps its code and, when its sentence has no placeholders, one result per status (the checks' results are
    // immutable): most checks of an answer are those.
    private static readonly Dictionary<string, SentenceText> SharedTexts = Data.Sentences.GetValueOrDefault("*") ?? [];

    private static readonly FrozenDictionary<string, FrozenDictionary<string, Entry>> ByCheck = Data.Sentences
        .Where(check => check.Key != "*")
        .ToFrozenDictionary(check => check.Key, check => SharedTexts.Where(s => !check.Value.ContainsKey(s.Key)).Concat(check.Value)
            .ToFrozenDictionary(s => s.Key, s => new Entry(s.Key, s.Value), StringComparer.Ordinal), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, SentenceText> Terms = Data.Terms.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every sentence as <c>check/key</c>, for the tests that hold the file to the checks.</summary>
    public static IReadOnlyDictionary<string, SentenceText> All { get; } = Data.Sentences
        .SelectMany(check => check.Value.Select(s => (Key: check.Key + "/" + s.Key, s.Value)))
        .ToFrozenDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    /// <summary>A check's result: its code is <paramref name="key"/> up to any '#', its words the sentence filled with <paramref name="args"/>.</summary>
    public static CheckResult Result(string check, CheckStatus status, string key, params ReadOnlySpan<Arg> args)
    {
        if (!ByCheck.TryGetValue(check, out var sentences) || !sentences.TryGetValue(key, out var entry))
        {
            // A check with no sentences of its own in the file: only the shared ones, made each time.
            entry = SharedTexts.TryGetValue(key, out var shared) ? new Entry(key, shared)
                : throw new KeyNotFoundException($"checks.json has no sentence '{key}' for the check '{check}'.");
        }
        return entry.Fixed
            ? entry.Results[(int)status] ??= new CheckResult(check, status, entry.Code, entry.Text.Zh, entry.Text.En)
            : new CheckResult(check, status, entry.Code, Fill(entry.Text.Zh, args), Fill(entry.Text.En, args, zh: false));
    }

    /// <summary>A term (a word or phrase sentences are made of), filled in turn; <paramref name="fallback"/> in both languages when there is none.</summary>
    public static Arg Term(string name, string term, string? fallback = null, params ReadOnlySpan<Arg> args) =>
        Terms.TryGetValue(term, out var text) ? new Arg(name, Fill(text.Zh, args, zh: true), Fill(text.En, args, zh: false))
        : fallback is not null ? new Arg(name, fallback)
        : throw new KeyNotFoundException($"checks.json has no term '{term}'.");

    /// <summary>A term's words, when there is no sentence around them.</summary>
    public static SentenceText TermText(string term) => Terms[term];

    private static string Fill(string template, ReadOnlySpan<Arg> args, bool zh = true)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }
        // The framework's interpolation builder on a stack buffer: only the finished string is allocated.
        var text = new DefaultInterpolatedStringHandler(template.Length, args.Length, null, stackalloc char[512]);
        var rest = template.AsSpan();
        while (rest.IndexOf('{') is var open and >= 0)
        {
            var close = rest[open..].IndexOf('}') + open;
            text.AppendFormatted(rest[..open]);
            var arg = Find(args, rest[(open + 1)..close], template);
            text.AppendFormatted(zh ? arg.Zh : arg.En);
            rest = rest[(close + 1)..];
        }
        text.AppendFormatted(rest);
        return text.ToStringAndClear();
    }

    private static Arg Find(ReadOnlySpan<Arg> args, ReadOnlySpan<char> name, string template)
    {
        foreach (var arg in args)
        {
            if (name.SequenceEqual(arg.Name))
            {
                return arg;
            }
        }
        throw new ArgumentException($"No value for {{{name}}} in \"{template}\".");
    }

    private static Document Load()
    {
        using var stream = typeof(Sentences).Assembly.GetManifestResourceStream("SkillVerify.Reference.checks.json")
            ?? throw new InvalidOperationException("Reference table checks.json is missing from the assembly.");
        return JsonSerializer.Deserialize(stream, SentencesJson.Default.Document) ?? throw new InvalidOperationException("Reference table checks.json is empty.");
    }

    private sealed class Entry(string key, SentenceText text)
    {
        public SentenceText Text { get; } = text;

        public string Code { get; } = key.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? key[..hash] : key;

        /// <summary>Neither language has a placeholder: the words never change.</summary>
        public bool Fixed { get; } = !text.Zh.Contains('{', StringComparison.Ordinal) && !text.En.Contains('{', StringComparison.Ordinal);

        /// <summary>One kept result per <see cref="CheckStatus"/>, for a fixed sentence (made on first use; a race makes two alike).</summary>
        public CheckResult?[] Results { get; } = new CheckResult?[Enum.GetValues<CheckStatus>().Length];
    }

    internal sealed record Document(Dictionary<string, Dictionary<string, SentenceText>> Sentences, Dictionary<string, SentenceText> Terms);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Sentences.Document))]
internal sealed partial class SentencesJson : JsonSerializerContext;
