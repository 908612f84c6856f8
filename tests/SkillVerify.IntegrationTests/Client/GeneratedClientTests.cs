using System.Diagnostics;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Client;

/// <summary>
/// Client/Generated is committed (so the suite builds once, a change of the API shows as a readable diff of the client,
/// and docs/api.md's snippet compiles against it) and must be exactly what Kiota 1.38.0 (the tool manifest in
/// .config/dotnet-tools.json, restored by scripts/test.sh) generates from the document the service serves. After an
/// API change: <c>SKILLVERIFY_WRITE_CLIENT=1 dotnet test --filter TheCommittedClientIsWhatKiotaGeneratesFromTheServedDocument</c>.
/// </summary>
public class GeneratedClientTests
{
    public static readonly string[] KiotaArguments =
        ["kiota", "generate", "--language", "CSharp", "--class-name", "SkillVerifyClient", "--namespace-name", "SkillVerify.Client",
         "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning"];

    private static string Committed => Path.Combine(TestFolders.RepositoryRoot, "tests", "SkillVerify.IntegrationTests", "Client", "Generated");

    /// <summary>Kiota's bookkeeping, which names the temporary description path; not code.</summary>
    private static readonly string[] NotCode = ["kiota-lock.json", ".kiota.log"];

    [Fact]
    public async Task TheCommittedClientIsWhatKiotaGeneratesFromTheServedDocument()
    {
        await using var factory = new SkillVerifyFactory();
        using var client = factory.CreateClient();
        var work = TestFolders.New("kiota-");
        Directory.CreateDirectory(work);
        try
        {
            var description = Path.Combine(work, "openapi.json");
            await File.WriteAllTextAsync(description, await client.GetStringAsync("/openapi/v1.json"));
            var output = Path.Combine(work, "Generated");
            var (exitCode, printed) = await RunKiotaAsync(description, output);
            Assert.True(exitCode == 0, $"dotnet kiota generate failed ({exitCode}); is the tool restored (dotnet tool restore, as scripts/test.sh does)?\n{printed}");

            if (Environment.GetEnvironmentVariable("SKILLVERIFY_WRITE_CLIENT") == "1")
            {
                if (Directory.Exists(Committed))
                {
                    Directory.Delete(Committed, recursive: true);
                }
                foreach (var file in CodeFiles(output))
                {
                    var target = Path.Combine(Committed, file);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(Path.Combine(output, file), target);
                }
                return;
            }

            var generated = CodeFiles(output).ToHashSet();
            var committed = Directory.Exists(Committed) ? CodeFiles(Committed).ToHashSet() : [];
            var differences = generated.Except(committed).Select(f => "new: " + f)
                .Concat(committed.Except(generated).Select(f => "gone: " + f))
                .Concat(generated.Intersect(committed)
                    .Where(f => File.ReadAllText(Path.Combine(output, f)) != File.ReadAllText(Path.Combine(Committed, f)))
                    .Select(f => "changed: " + f))
                .Order().ToList();
            Assert.True(differences.Count == 0,
                "Client/Generated is not what Kiota generates from the served document; regenerate it with SKILLVERIFY_WRITE_CLIENT=1 dotnet test --filter "
                + "TheCommittedClientIsWhatKiotaGeneratesFromTheServedDocument and review the diff: " + string.Join(", ", differences.Take(20)));
        }
        finally
        {
            TestFolders.Remove(work);
        }
    }

    private static IEnumerable<string> CodeFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => !NotCode.Contains(Path.GetFileName(f)));

    /// <summary>The pinned tool from the repository's manifest, offline: no update check, no telemetry.</summary>
    private static async Task<(int ExitCode, string Output)> RunKiotaAsync(string description, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(description)!,
        };
        foreach (var argument in KiotaArguments.Concat(["--openapi", description, "--output", output]))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["KIOTA_UPDATE__DISABLED"] = "true";
        start.Environment["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true";
        start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.WorkingDirectory = TestFolders.RepositoryRoot;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("dotnet kiota generate did not finish within 240 s.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
