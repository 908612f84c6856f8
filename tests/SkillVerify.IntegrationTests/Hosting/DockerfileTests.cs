using System.Text.RegularExpressions;

namespace SkillVerify.IntegrationTests.Hosting;

/// <summary>
/// No Docker engine runs here, so the Dockerfile is read instead: the restore layer copies every project the API and
/// the CLI are built from (and only files that exist) before the sources, the CLI is in the image, and nothing in it
/// turns demo mode on.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void RestoreRunsInItsOwnLayerBeforeTheSourcesAreCopied()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Select(l => l.Trim()).ToList();
        var restore = lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var everything = lines.FindIndex(l => l == "COPY . .");
        Assert.True(restore > 0 && everything > restore, "dotnet restore must run before COPY . .");

        var copied = lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.All(copied, path => Assert.True(File.Exists(Path.Combine(Root, path)), $"{path} is copied but does not exist"));
        // Every project the API and the CLI reference, transitively, is in the restore layer.
        foreach (var project in new[] { "src/SkillVerify.Api/SkillVerify.Api.csproj", "src/SkillVerify.Cli/SkillVerify.Cli.csproj" })
        {
            foreach (var needed in References(project))
            {
                Assert.Contains(needed, copied);
            }
        }
        Assert.Contains("Directory.Packages.props", copied);
    }

    [Fact]
    public void TheImageHasTheCliAndLeavesDemoModeOff()
    {
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var publish = File.ReadAllText(Path.Combine(Root, "scripts", "publish.sh"));
        Assert.Contains("src/SkillVerify.Cli/SkillVerify.Cli.csproj", publish);
        Assert.Contains("/usr/local/bin/skillverify", text);
        Assert.Contains("dotnet /app/cli/skillverify.dll", text);
        Assert.DoesNotMatch(DemoSetting(), text);
        Assert.DoesNotContain("SeedDemoData", text);
    }

    private static IEnumerable<string> References(string project)
    {
        yield return project;
        var folder = Path.GetDirectoryName(project)!;
        foreach (Match m in ProjectReference().Matches(File.ReadAllText(Path.Combine(Root, project))))
        {
            var referenced = Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, folder, m.Groups[1].Value.Replace('\\', '/')))).Replace('\\', '/');
            foreach (var r in References(referenced))
            {
                yield return r;
            }
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("SkillVerify.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<ProjectReference\s+Include=""([^""]+)""")]
    private static partial Regex ProjectReference();

    // Any demo setting but the explicit Demo__Enabled=false (issue 13's DemoModeTests want that one present).
    [GeneratedRegex(@"(?i)\b\w*Demo\w*(__|:)\w+\s*=(?!false\b)")]
    private static partial Regex DemoSetting();
}
