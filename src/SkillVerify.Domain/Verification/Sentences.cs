using System.Collections.Frozen;
using System.Text;
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

    private static readonly FrozenDictionary<string, SentenceText> ByKey = Data.Sentences
        .SelectMany(check => check.Value.Select(s => (Key: check.Key + "/" + s.Key, s.Value)))
        .ToFrozenDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, SentenceText> Terms = Data.Terms.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every sentence as <c>check/key</c>, for the tests that hold the file to the checks.</summary>
    public static IReadOnlyDictionary<string, SentenceText> All => ByKey;

    /// <summary>A check's result: its code is <paramref name="key"/> up to any '#', its words the sentence filled with <paramref name="args"/>.</summary>
    public static CheckResult Result(string check, CheckStatus status, string key, params ReadOnlySpan<Arg> args)
    {
        var text = ByKey.GetValueOrDefault(check + "/" + key) ?? ByKey.GetValueOrDefault("*/" + key)
            ?? throw new KeyNotFoundException($"checks.json has no sentence '{key}' for the check '{check}'.");
        var hash = key.IndexOf('#', StringComparison.Ordinal);
        return new CheckResult(check, status, hash < 0 ? key : key[..hash], Fill(text.Zh, args, zh: true), Fill(text.En, args, zh: false));
    }

    /// <summary>A term (a word or phrase sentences are made of), filled in turn; <paramref name="fallback"/> in both languages when there is none.</summary>
    public static Arg Term(string name, string term, string? fallback = null, params ReadOnlySpan<Arg> args) =>
        Terms.TryGetValue(term, out var text) ? new Arg(name, Fill(text.Zh, args, zh: true), Fill(text.En, args, zh: false))
        : fallback is not null ? new Arg(name, fallback)
        : throw new KeyNotFoundException($"checks.json has no term '{term}'.");

    /// <summary>A term's words, when there is no sentence around them.</summary>
    public static SentenceText TermText(string term) => Terms[term];

    private static string Fill(string template, ReadOnlySpan<Arg> args, bool zh)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }
        var text = new StringBuilder(template.Length + 32);
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf('{', at);
            if (open < 0)
            {
                text.Append(template, at, template.Length - at);
                break;
            }
            var close = template.IndexOf('}', open);
            text.Append(template, at, open - at);
            var name = template.AsSpan(open + 1, close - open - 1);
            text.Append(Find(args, name, template) is var arg && zh ? arg.Zh : arg.En);
            at = close + 1;
        }
        return text.ToString();
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

    internal sealed record Document(Dictionary<string, Dictionary<string, SentenceText>> Sentences, Dictionary<string, SentenceText> Terms);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Sentences.Document))]
internal sealed partial class SentencesJson : JsonSerializerContext;
