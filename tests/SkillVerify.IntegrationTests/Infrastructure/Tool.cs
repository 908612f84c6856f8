using System.Diagnostics;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>Runs one of the project's own programs (the service binary, the <c>skillverify</c> CLI) from the test output folder, as an operator would.</summary>
public static class Tool
{
    public const string Service = "SkillVerify.Api.dll";
    public const string Cli = "skillverify.dll";

    /// <summary>Runs <paramref name="program"/> to its end (bounded) and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', arguments)} did not finish within 120 s.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the service binary with a wrong setting; it must stop on its own (a fresh data folder, a free port).</summary>
    public static Task<(int ExitCode, string Output)> RunServiceAsync(IDictionary<string, string> environment)
    {
        var all = new Dictionary<string, string>(environment)
        {
            ["Database__DataDirectory"] = TestFolders.New(),
        };
        return RunAsync(Service, all, "--urls", "http://127.0.0.1:0");
    }
}
