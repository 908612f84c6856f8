using System.Text.RegularExpressions;
using SkillVerify.Data.Demo;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Docs;

/// <summary>What README says is true: its two commands, and its demo table against the service it describes.</summary>
public sealed partial class ReadmeTests(SkillVerifyFactory factory) : IClassFixture<SkillVerifyFactory>
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(TestFolders.RepositoryRoot, "README.md"));

    [Fact]
    public void ReadmesFirstTwoCommandsRunTheDemoAndTheWholeSuite()
    {
        var blocks = BashBlock().Matches(Readme).Select(m => m.Groups[1].Value.Trim()).ToList();

        Assert.Equal("dotnet run --project src/SkillVerify.Api", blocks[0]);
        Assert.Equal("bash scripts/test.sh", blocks[1]);
        // README says .ci/run runs exactly the second command.
        var ci = File.ReadAllLines(Path.Combine(TestFolders.RepositoryRoot, ".ci", "run"));
        Assert.Contains("bash scripts/test.sh", ci);
        // README says the first command is in demo mode because of its launch profile.
        var profile = File.ReadAllText(Path.Combine(TestFolders.RepositoryRoot, "src", "SkillVerify.Api", "Properties", "launchSettings.json"));
        Assert.Contains("\"Demo__Enabled\": \"true\"", profile);
        Assert.Contains("\"applicationUrl\": \"http://127.0.0.1:5080\"", profile);
    }

    [Fact]
    public void ReadmeStaysUnder200Lines() => Assert.True(Readme.Split('\n').Length < 200, $"README.md has {Readme.Split('\n').Length} lines; the rest belongs in docs/.");

    [Fact]
    public async Task EveryRowOfReadmesDemoTableIsWhatTheServiceAnswers()
    {
        var rows = DemoRow().Matches(Readme).Select(m => (Code: m.Groups[1].Value, Name: m.Groups[2].Value.Trim(), Outcome: m.Groups[3].Value, Standing: m.Groups[4].Value.Trim())).ToList();

        // The table lists exactly the demo dataset's hand-made cases (DemoData.Cases says so too).
        Assert.Equal(DemoData.Cases.Select(c => (c.Code, c.HolderName, c.Expected)), rows.Select(r => (r.Code, r.Name, r.Outcome)));
        var client = factory.CreateClient();
        foreach (var row in rows)
        {
            var body = await (await client.PostJsonAsync("/api/v1/verifications", new { code = row.Code, holderName = row.Name })).JsonAsync();
            Assert.True(row.Outcome == body.Str("outcome"), $"README says {row.Code} with {row.Name} is {row.Outcome}; the service answers {body.Str("outcome")}.");
            var certificate = body.GetProperty("certificate");
            var standing = certificate.ValueKind == System.Text.Json.JsonValueKind.Null ? null : certificate.GetProperty("standing").GetString();
            var since = standing is null ? null : certificate.GetProperty("standingSince").GetString();
            var shown = standing is null ? "—" : since is null ? standing : $"{standing} since {since}";
            Assert.True(row.Standing == shown, $"README says {row.Code} stands '{row.Standing}'; the service answers '{shown}'.");
        }
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    // | `code` | holder name | OUTCOME | standing | what it shows |
    [GeneratedRegex(@"^\| `([0-9A-Z]{22})` \| ([^|]+) \| (VALID|INVALID|NOT_FOUND|UNKNOWN) \| ([^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex DemoRow();
}
