using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// A Redis primary, one replica and three <c>redis-sentinel</c> processes of one test's own, on free loopback ports,
/// watching the service <see cref="ServiceName"/> (quorum 2, a primary silent for 1 s is down). For the failover
/// test; <c>redis-server</c> and <c>redis-sentinel</c> (Debian packages) come with <c>scripts/test-servers.sh start</c>.
/// </summary>
public sealed class RedisSentinelGroup : IAsyncDisposable
{
    public const string ServiceName = "skillverify";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "skillverify-sentinel", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<int, Process> processes = [];

    private RedisSentinelGroup()
    {
        PrimaryPort = PrivateRedis.FreePort();
        ReplicaPort = PrivateRedis.FreePort();
        SentinelPorts = [PrivateRedis.FreePort(), PrivateRedis.FreePort(), PrivateRedis.FreePort()];
    }

    public int PrimaryPort { get; }

    public int ReplicaPort { get; }

    public int[] SentinelPorts { get; }

    /// <summary>What the service is given: the three sentinels and the service name, never the primary's address.</summary>
    public string ConnectionString =>
        string.Join(',', SentinelPorts.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture))) + ",serviceName=" + ServiceName;

    /// <summary>Ports chosen, nothing started yet (a service can be given <see cref="ConnectionString"/> before the servers run).</summary>
    public static RedisSentinelGroup Create() => new();

    public static Task<RedisSentinelGroup> StartAsync() => Create().StartServersAsync();

    public async Task<RedisSentinelGroup> StartServersAsync()
    {
        var group = this;
        Directory.CreateDirectory(group.directory);
        group.StartRedis(group.PrimaryPort);
        group.StartRedis(group.ReplicaPort, "--replicaof", "127.0.0.1", group.PrimaryPort.ToString(CultureInfo.InvariantCulture));
        await group.WaitAsync(async () => (await CliAsync(group.ReplicaPort, "INFO", "replication")).Contains("master_link_status:up", StringComparison.Ordinal),
            "the replica never synchronized with the primary");
        foreach (var port in group.SentinelPorts)
        {
            var config = Path.Combine(group.directory, $"sentinel-{port}.conf");
            // Sentinel rewrites its own file (the replicas and sentinels it learns): one writable file each.
            await File.WriteAllTextAsync(config, $"""
                port {port}
                bind 127.0.0.1
                dir {group.directory}
                logfile {Path.Combine(group.directory, $"sentinel-{port}.log")}
                sentinel monitor {ServiceName} 127.0.0.1 {group.PrimaryPort} 2
                sentinel down-after-milliseconds {ServiceName} 1000
                sentinel failover-timeout {ServiceName} 5000
                sentinel parallel-syncs {ServiceName} 1

                """);
            group.Start(port, "redis-sentinel", config);
        }
        // Every sentinel knows the replica and the two other sentinels before the test kills anything.
        await group.WaitAsync(async () =>
        {
            foreach (var port in group.SentinelPorts)
            {
                var master = await CliAsync(port, "SENTINEL", "MASTER", ServiceName);
                if (!Field(master, "num-slaves").Equals("1", StringComparison.Ordinal) || !Field(master, "num-other-sentinels").Equals("2", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }, "the sentinels never saw the replica and each other");
        return group;
    }

    /// <summary>SIGKILL for the primary: no goodbye, the sentinels and clients only see it stop answering.</summary>
    public void KillPrimary()
    {
        var process = processes[PrimaryPort];
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>The port the sentinels now name as the primary.</summary>
    public async Task<int> PrimaryPortBySentinelsAsync()
    {
        var answer = (await CliAsync(SentinelPorts[0], "SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return int.Parse(answer[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Runs redis-cli against one of the group's servers and returns what it printed.</summary>
    public static async Task<string> CliAsync(int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output;
        }
        catch (Win32Exception ex)
        {
            throw TestServers.Unreachable("Redis", "redis-cli on PATH", ex);
        }
    }

    public async Task WaitAsync(Func<Task<bool>> condition, string failure, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Redis Sentinel group: {failure} within {seconds} s (logs in {directory}).");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Values)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A field of a redis-cli reply printed as alternating name and value lines.</summary>
    private static string Field(string reply, string name)
    {
        var lines = reply.Split('\n', StringSplitOptions.TrimEntries);
        var at = Array.IndexOf(lines, name);
        return at >= 0 && at + 1 < lines.Length ? lines[at + 1] : "";
    }

    private void StartRedis(int port, params string[] more) => Start(port, "redis-server",
        ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory, "--dbfilename", $"dump-{port}.rdb", "--logfile", Path.Combine(directory, $"redis-{port}.log"), .. more]);

    private void Start(int port, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            processes[port] = Process.Start(start) ?? throw TestServers.Unreachable("Redis", program + " on PATH");
        }
        catch (Win32Exception ex)
        {
            throw TestServers.Unreachable("Redis", program + " on PATH", ex);
        }
    }
}
