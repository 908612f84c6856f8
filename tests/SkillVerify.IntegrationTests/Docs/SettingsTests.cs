using System.Text.RegularExpressions;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Docs;

/// <summary>
/// A setting the docs name is read by the code, and a setting the code reads is on docs/configuration.md. Read from
/// the sources (options classes bound by section, their properties, and the names read directly), so a property that
/// is bound but used nowhere — Cache:RecordSeconds once was — counts as not read.
/// </summary>
public sealed partial class SettingsTests
{
    private static readonly string Root = TestFolders.RepositoryRoot;

    /// <summary>Read by the framework or the OpenTelemetry SDK, not by our code.</summary>
    private static readonly HashSet<string> FrameworkReads =
    [
        "ASPNETCORE_ENVIRONMENT", "ASPNETCORE_SHUTDOWNTIMEOUTSECONDS", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
    ];

    /// <summary>Sections whose keys the framework reads (Logging), and the docs' placeholder (Section__Key).</summary>
    private static readonly HashSet<string> OtherSections = ["Logging", "Section"];

    private static readonly string[] OutsideSrc = ["tests", "scripts", "load-tests"];

    private static readonly string[] Docs =
        [.. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"), Path.Combine(Root, "README.md"), Path.Combine(Root, "load-tests", "README.md")];

    [Fact]
    public void EverySettingTheDocsNameIsReadByTheCode()
    {
        var code = Code();
        var sections = Sections(code);
        var wrong = new List<string>();
        foreach (var doc in Docs)
        {
            var text = File.ReadAllText(doc);
            var keys = DoubleUnderscoreKey().Matches(text).Select(m => m.Value.Replace("__", ":"))
                .Concat(ColonKey().Matches(text).Select(m => m.Value).Where(k => sections.ContainsKey(k.Split(':')[0])));
            foreach (var key in keys.Distinct())
            {
                var parts = key.Split(':');
                var (section, rest) = (parts[0], parts[1..].Where(p => !IsPlaceholder(p)).ToList());
                if (OtherSections.Contains(section))
                {
                    continue;
                }
                var read = section == "ConnectionStrings"
                    ? rest.Count == 1 && code.Literals.Contains(rest[0])
                    : sections.ContainsKey(section) && rest.Count > 0 && (code.ReadByName(section, rest) || rest.All(p => code.Declared.Contains(p) && code.Used(p)));
                if (!read)
                {
                    wrong.Add($"{Path.GetRelativePath(Root, doc)}: {key}");
                }
            }
            foreach (var name in EnvironmentName().Matches(text).Select(m => m.Value).Distinct())
            {
                if (!FrameworkReads.Contains(name) && !code.Literals.Contains(name) && !ReadOutsideSrc(name))
                {
                    wrong.Add($"{Path.GetRelativePath(Root, doc)}: {name}");
                }
            }
        }
        Assert.True(wrong.Count == 0, "Documented but read by nothing:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void EverySettingTheCodeReadsIsOnConfigurationMd()
    {
        var code = Code();
        var configuration = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md")).Replace("__", ":");
        var missing = Sections(code)
            .SelectMany(s => s.Value.Where(p => code.Used(p) || code.ReadByName(s.Key, [p])).Select(p => $"{s.Key}:{p}"))
            .Where(key => !configuration.Contains(key, StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "Read by the code but not on docs/configuration.md:\n" + string.Join("\n", missing));
    }

    private static bool IsPlaceholder(string part) => part.All(char.IsDigit) || part is "N" || part.StartsWith('<');

    /// <summary>Test switches (SKILLVERIFY_WRITE_EXAMPLES, …) are read by the tests and scripts, not by src.</summary>
    private static bool ReadOutsideSrc(string name) =>
        OutsideSrc.SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("node_modules", StringComparison.Ordinal)
                && (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".sh", StringComparison.Ordinal) || f.EndsWith(".py", StringComparison.Ordinal)))
            .Any(f => !f.EndsWith(nameof(SettingsTests) + ".cs", StringComparison.Ordinal) && File.ReadAllText(f).Contains(name, StringComparison.Ordinal));

    /// <summary>Each bound section with the settable properties of its options class.</summary>
    private static Dictionary<string, List<string>> Sections(Source code)
    {
        var sections = new Dictionary<string, List<string>>();
        foreach (var file in code.Files)
        {
            var text = File.ReadAllText(file);
            foreach (Match m in SectionConstant().Matches(text))
            {
                // The class holding the constant: from its declaration to the matching closing brace.
                var start = text.LastIndexOf("class ", m.Index, StringComparison.Ordinal);
                var open = text.IndexOf('{', start);
                var depth = 0;
                var end = open;
                for (; end < text.Length; end++)
                {
                    depth += text[end] switch { '{' => 1, '}' => -1, _ => 0 };
                    if (depth == 0)
                    {
                        break;
                    }
                }
                sections[m.Groups[1].Value] = [.. SettableProperty().Matches(text[open..end]).Select(p => p.Groups[1].Value)];
            }
            foreach (Match m in BindByName().Matches(text))
            {
                sections.TryAdd(m.Groups[1].Value, []);
            }
        }
        return sections;
    }

    private sealed record Source(IReadOnlyList<string> Files, HashSet<string> Declared, HashSet<string> Literals, Dictionary<string, int> Tokens, Dictionary<string, int> Declarations)
    {
        /// <summary>Named in code (comments and strings aside) somewhere other than its own declaration.</summary>
        public bool Used(string property) => Tokens.GetValueOrDefault(property) > Declarations.GetValueOrDefault(property);

        /// <summary>Read from configuration by its name: <c>configuration["Section:Key"]</c>, or <c>Section + ":Key"</c>.</summary>
        public bool ReadByName(string section, List<string> keys) =>
            Literals.Contains(section + ":" + string.Join(":", keys)) || (keys.Count == 1 && Literals.Contains(":" + keys[0]));
    }

    private static Source Code()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)).ToList();
        var declared = new HashSet<string>();
        var literals = new HashSet<string>();
        var tokens = new Dictionary<string, int>();
        var declarations = new Dictionary<string, int>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match m in StringLiteral().Matches(text))
            {
                literals.Add(m.Groups[1].Value);
            }
            var bare = LineComment().Replace(StringLiteral().Replace(RawString().Replace(text, "\"\""), "\"\""), "");
            foreach (Match m in SettableProperty().Matches(bare))
            {
                declared.Add(m.Groups[1].Value);
                declarations[m.Groups[1].Value] = declarations.GetValueOrDefault(m.Groups[1].Value) + 1;
            }
            foreach (Match m in Identifier().Matches(bare))
            {
                tokens[m.Value] = tokens.GetValueOrDefault(m.Value) + 1;
            }
        }
        return new Source(files, declared, literals, tokens, declarations);
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?:__(?:[A-Za-z0-9]+|<[a-z]+>))+")]
    private static partial Regex DoubleUnderscoreKey();

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?::(?:[A-Z][A-Za-z0-9]*|[0-9]+|N))+")]
    private static partial Regex ColonKey();

    [GeneratedRegex(@"\b(?:ASPNETCORE|OTEL|SKILLVERIFY)_[A-Z_]+\b")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"const string Section = ""(\w+)"";")]
    private static partial Regex SectionConstant();

    [GeneratedRegex(@"BindConfiguration\(""(\w+)""\)")]
    private static partial Regex BindByName();

    [GeneratedRegex(@"public [\w<>?,\[\] ]+ (\w+) \{ get; set; \}")]
    private static partial Regex SettableProperty();

    [GeneratedRegex("\"\"\"[\\s\\S]*?\"\"\"")]
    private static partial Regex RawString();

    [GeneratedRegex(@"@?\$?""((?:[^""\\\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\b[A-Za-z_]\w*\b")]
    private static partial Regex Identifier();
}
