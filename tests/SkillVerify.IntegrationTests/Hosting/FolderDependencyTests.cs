using System.Text.RegularExpressions;

namespace SkillVerify.IntegrationTests.Hosting;

/// <summary>
/// The folders of SkillVerify.Api use each other in one direction only: a folder never calls back, directly or
/// around a loop, into one that uses it (docs/architecture: Pages → Verification → Registry → Caching, never back).
/// Read from the sources as <c>scripts/folder-deps.py</c> reads them: <c>using SkillVerify.Api.X</c> lines and
/// qualified <c>X.Type</c> references, comments left out.
/// </summary>
public sealed partial class FolderDependencyTests
{
    /// <summary>
    /// Edges still inside a cycle, each waiting for its change (issue 14 item 3: the X-Api-Key handler and its
    /// policies move below the features that use them). Remove an edge from this list once it has gone; nothing may be added.
    /// </summary>
    private static readonly HashSet<(string From, string To)> KnownCycleEdges =
    [
        // The single verification asks Partners for the per-item scope checks (ID matching, provinces) and the peer
        // client its header name; the batch endpoint verifies. The X-Api-Key scheme already sits in Security, below both.
        ("Verification", "Partners"),
        ("Partners", "Verification"),
        // Hosting: the storage setup asks demo mode, which asks the admin keys, which use the problems and the OpenAPI metadata.
        ("Infrastructure", "Deployment"),
        ("Deployment", "Infrastructure"),
        ("Deployment", "Security"),
        ("Security", "Infrastructure"),
        ("Security", "OpenApi"),
        ("OpenApi", "Infrastructure"),
    ];

    [Fact]
    public void NoNewFolderCycleAppears()
    {
        var cyclic = EdgesInCycles(ReadEdges());
        var unexpected = cyclic.Where(e => !KnownCycleEdges.Contains(e)).Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.True(unexpected.Count == 0, "These folder uses close a cycle (a folder calling back into one that uses it): " + string.Join(", ", unexpected));
    }

    [Fact]
    public void TheVerificationPathIsInNoCycleWithCachingObservabilityOrInfrastructure()
    {
        var edges = ReadEdges();
        // Below the verification path: nothing there may reach back into Verification.
        foreach (var lower in new[] { "Caching", "Observability", "Infrastructure" })
        {
            Assert.DoesNotContain("Verification", Reachable(edges, lower));
        }
    }

    [Fact]
    public void EveryKnownCycleEdgeIsStillOne()
    {
        var cyclic = EdgesInCycles(ReadEdges());
        var gone = KnownCycleEdges.Where(e => !cyclic.Contains(e)).Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.True(gone.Count == 0, "No longer in a cycle, so remove from KnownCycleEdges: " + string.Join(", ", gone));
    }

    private static Dictionary<string, HashSet<string>> ReadEdges()
    {
        var root = Path.Combine(FindRoot(), "src", "SkillVerify.Api");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj" or "Properties")).Cast<string>().ToList();
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var code = Comments().Replace(File.ReadAllText(file), "");
                foreach (var other in folders.Where(o => o != folder))
                {
                    var o = Regex.Escape(other);
                    if (Regex.IsMatch(code, $@"using\s+SkillVerify\.Api\.{o}\s*;|@using\s+SkillVerify\.Api\.{o}\b|SkillVerify\.Api\.{o}\.|(?<![\w.]){o}\.[A-Z]\w*"))
                    {
                        edges[folder].Add(other);
                    }
                }
            }
        }
        return edges;
    }

    /// <summary>An edge a → b lies in a cycle when b reaches a.</summary>
    private static HashSet<(string From, string To)> EdgesInCycles(Dictionary<string, HashSet<string>> edges) =>
        edges.SelectMany(e => e.Value.Select(to => (From: e.Key, To: to))).Where(e => Reachable(edges, e.To).Contains(e.From)).ToHashSet();

    private static HashSet<string> Reachable(Dictionary<string, HashSet<string>> edges, string from)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var folder))
        {
            foreach (var next in edges.GetValueOrDefault(folder) ?? [])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }
        return seen;
    }

    [GeneratedRegex(@"//.*?$|/\*.*?\*/", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Comments();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (SkillVerify.sln) was not found above " + AppContext.BaseDirectory);
    }
}
