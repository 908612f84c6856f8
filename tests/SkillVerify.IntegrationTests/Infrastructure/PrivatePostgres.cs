using System.ComponentModel;
using System.Diagnostics;
using Npgsql;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test's own (initdb into a temporary folder, a free loopback port), for the
/// tests that stop and restart the server — never the shared one. The binaries come with
/// <c>scripts/test-servers.sh start</c>; initdb refuses root, so the cluster runs as the postgres user.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "skillverify-pg", Guid.NewGuid().ToString("N"));

    private PrivatePostgres(int port) => Port = port;

    public int Port { get; }

    /// <summary>Short timeouts, so requests during an outage fail fast instead of hanging.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5;Pooling=true";

    private string DataDirectory => Path.Combine(directory, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var pg = new PrivatePostgres(PrivateRedis.FreePort());
        Directory.CreateDirectory(pg.directory);
        await RunAsync("chown", "-R", "postgres", pg.directory);
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(TestServers.PostgresBin, "initdb"),
            "-D", pg.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await pg.StartServerAsync();
        return pg;
    }

    public Task StartServerAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(TestServers.PostgresBin, "pg_ctl"),
        "-D", DataDirectory, "-l", Path.Combine(directory, "log"), "-w", "-o", $"-h 127.0.0.1 -p {Port} -k {directory} -c fsync=off", "start");

    /// <summary>A fast shutdown: connections are cut, committed data stays.</summary>
    public Task StopServerAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(TestServers.PostgresBin, "pg_ctl"),
        "-D", DataDirectory, "-m", "fast", "-w", "stop");

    public async Task<T> QueryAsync<T>(string sql)
    {
        // Unpooled: the service in the same process pools this connection string, and its pool may still hold
        // connections the restart cut.
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs a PostgreSQL tool (or chown/runuser) to its end; a non-zero exit throws with its output and how to start the servers.</summary>
    internal static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw TestServers.Unreachable("PostgreSQL", TestServers.PostgresBin, ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}. {TestServers.HowToStart}");
            }
        }
    }
}
