using System.Diagnostics;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>Runs one of the project's own programs (the service binary, the <c>skillverify</c> CLI) from the test output folder, as an operator would.</summary>
public static class Tool
{
    public const string Service = "SkillVerify.Api.dll";
    public const string Cli = "skillverify.dll";

    /// <summary>Runs <paramref name="program"/> to its end (bounded) and returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunInAsync(program, environment, AppContext.BaseDirectory, arguments);

    /// <summary><see cref="RunAsync"/> in another working directory (the CLI's embedded default lives under the current directory).</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(string program, IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(program, environment, workingDirectory, arguments))!;
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
        var all = WithDemoDefault(environment);
        all["Database__DataDirectory"] = TestFolders.New();
        return RunAsync(Service, all, "--urls", "http://127.0.0.1:0");
    }

    /// <summary>
    /// Demo mode on, as README's first command runs the service, unless the test configures something real (a
    /// database, a hash key, an admin key) or says Demo__Enabled itself: the service refuses demo mode beside those.
    /// </summary>
    public static Dictionary<string, string> WithDemoDefault(IEnumerable<KeyValuePair<string, string>> environment)
    {
        var all = new Dictionary<string, string>(environment);
        var real = all.Any(e => !string.IsNullOrEmpty(e.Value) && (e.Key is "ConnectionStrings__SkillVerify" or "Privacy__HashKey" or "Privacy__HashKeyFile"
            || e.Key.StartsWith("Admin__ApiKeys", StringComparison.Ordinal) || (e.Key == "Database__Provider" && e.Value != "sqlite")));
        all.TryAdd("Demo__Enabled", real ? "false" : "true");
        return all;
    }

    /// <summary>`dotnet PROGRAM ARGUMENTS` from the test output folder, run in <paramref name="workingDirectory"/>, output captured.</summary>
    private static ProcessStartInfo StartInfo(string program, IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
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
        return start;
    }

    /// <summary>
    /// Starts the service binary as an operator would, from <paramref name="workingDirectory"/>, on a free loopback
    /// port, and waits until it is ready. Stop it with <see cref="RunningService.StopAsync"/>, which returns what it printed.
    /// </summary>
    public static async Task<RunningService> StartServiceAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var url = $"http://127.0.0.1:{KestrelInstance.FreePort()}";
        var service = new RunningService(Process.Start(StartInfo(Service, WithDemoDefault(environment), workingDirectory, "--urls", url))!, url);
        await service.WaitUntilReadyAsync();
        return service;
    }
}

/// <summary>A service process started by <see cref="Tool.StartServiceAsync"/>; everything it prints is kept.</summary>
public sealed class RunningService : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();

    internal RunningService(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public HttpClient CreateClient() => new() { BaseAddress = new Uri(BaseUrl + "/") };

    internal async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"The service exited with {process.ExitCode} before it was ready: {Output}");
            }
            try
            {
                using var response = await client.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"The service was not ready within 60 s: {Output}");
    }

    /// <summary>Everything the process has printed so far (stdout and stderr, line by line).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Stops the process (SIGTERM, then a kill after 10 s) and returns everything it printed.</summary>
    public async Task<string> StopAsync()
    {
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        await process.WaitForExitAsync();
        return Output;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
