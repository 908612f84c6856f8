using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// A redis-server of one test's own, on a free loopback port, for the tests that kill, freeze or restart
/// it (never the shared server other tests use). <c>redis-server</c> comes with <c>scripts/test-servers.sh start</c>.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "skillverify-redis", Guid.NewGuid().ToString("N"));
    private Process? process;
    private bool frozen;

    private PrivateRedis(int port) => Port = port;

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedis> StartAsync(int? port = null)
    {
        var redis = new PrivateRedis(port ?? FreePort());
        await redis.RestartAsync();
        return redis;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the server (again, after <see cref="Kill"/>) on the same port and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory, "--logfile", Path.Combine(directory, "redis.log"),
            },
        };
        try
        {
            process = Process.Start(start) ?? throw TestServers.Unreachable("Redis", "redis-server on PATH");
        }
        catch (Win32Exception ex)
        {
            throw TestServers.Unreachable("Redis", "redis-server on PATH", ex);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw TestServers.Unreachable("Redis", Address);
            }
            await Task.Delay(50);
        }
    }

    public void Kill()
    {
        if (process is { HasExited: false })
        {
            if (frozen)
            {
                Thaw();
            }
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the server keeps its sockets open and answers nothing, the nastiest failure for a client.</summary>
    public void Freeze()
    {
        Signal("STOP");
        frozen = true;
    }

    public void Thaw()
    {
        Signal("CONT");
        frozen = false;
    }

    public async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        process?.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not send SIG{signal} to redis-server.");
        }
    }
}
