using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL primary and a streaming standby of one test's own, on loopback and free ports: the primary made
/// with initdb in a temporary folder, the standby copied from it with <c>pg_basebackup -R</c> (standby.signal and
/// primary_conninfo written for it) and started on its own port. For the read/write split and promotion tests; the
/// binaries come with <c>scripts/test-servers.sh start</c> (Debian package postgresql). Runs as the postgres user,
/// as initdb refuses root.
/// </summary>
public sealed class PostgresReplicaPair : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "skillverify-pg-pair", Guid.NewGuid().ToString("N"));

    private PostgresReplicaPair(int primaryPort, int standbyPort)
    {
        PrimaryPort = primaryPort;
        StandbyPort = standbyPort;
    }

    public int PrimaryPort { get; }

    public int StandbyPort { get; }

    private string PrimaryData => Path.Combine(directory, "primary");

    private string StandbyData => Path.Combine(directory, "standby");

    /// <summary>One server, short timeouts (requests during an outage fail fast), an application name to find the service's sessions by.</summary>
    public static string OneServer(int port, string applicationName) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5;Application Name={applicationName}";

    /// <summary>
    /// Both servers in <paramref name="ports"/> order with <c>Target Session Attributes</c>: Npgsql finds the
    /// server that fits (and, after a failure, asks again after one second: <c>Host Recheck Seconds=1</c>).
    /// </summary>
    public static string Multi(string targetSessionAttributes, string applicationName, params int[] ports) =>
        $"Host={string.Join(',', ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)))};Username=postgres;Database=postgres;"
        + $"Target Session Attributes={targetSessionAttributes};Host Recheck Seconds=1;Timeout=2;Command Timeout=5;Application Name={applicationName}";

    /// <param name="synchronous">
    /// The primary waits for the standby to flush each commit (<c>synchronous_standby_names='*'</c>), so nothing it
    /// acknowledged is lost when it dies and the standby is promoted.
    /// </param>
    public static async Task<PostgresReplicaPair> StartAsync(bool synchronous)
    {
        var pair = new PostgresReplicaPair(PrivateRedis.FreePort(), PrivateRedis.FreePort());
        Directory.CreateDirectory(pair.directory);
        await RunAsync("chown", "-R", "postgres", pair.directory);
        await RunAsPostgresAsync("initdb", "-D", pair.PrimaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        // initdb's pg_hba.conf already trusts replication connections from 127.0.0.1 (--auth=trust).
        await File.AppendAllTextAsync(Path.Combine(pair.PrimaryData, "postgresql.conf"), $"""

            wal_level = replica
            max_wal_senders = 5
            hot_standby = on
            fsync = off
            synchronous_standby_names = '{(synchronous ? "*" : "")}'
            """);
        await RunAsPostgresAsync("chown", "postgres", Path.Combine(pair.PrimaryData, "postgresql.conf"));
        await pair.StartAsync(pair.PrimaryData, pair.PrimaryPort, "primary.log");
        await RunAsPostgresAsync("pg_basebackup", "-d", $"host=127.0.0.1 port={pair.PrimaryPort} user=postgres application_name=skillverify_standby",
            "-D", pair.StandbyData, "-R", "-X", "stream", "--checkpoint=fast");
        await pair.StartAsync(pair.StandbyData, pair.StandbyPort, "standby.log");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await pair.PrimaryScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_replication WHERE state = 'streaming'") == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The standby on port {pair.StandbyPort} never streamed from the primary on {pair.PrimaryPort}; see {pair.directory}/standby.log.");
            }
            await Task.Delay(50);
        }
        return pair;
    }

    /// <summary>Stops the primary: <c>immediate</c> is a crash (no shutdown checkpoint, connections cut).</summary>
    public Task StopPrimaryAsync(string mode = "immediate") => RunAsPostgresAsync("pg_ctl", "-D", PrimaryData, "-m", mode, "-w", "stop");

    /// <summary>
    /// <c>pg_ctl promote</c>: the standby ends recovery and takes writes. Then, as a promotion runbook must, it stops
    /// waiting for a synchronous standby it no longer has (its settings were copied from the old primary), or every
    /// commit would wait out the client's command timeout.
    /// </summary>
    public async Task PromoteStandbyAsync()
    {
        await RunAsPostgresAsync("pg_ctl", "-D", StandbyData, "-w", "promote");
        await StandbyScalarAsync<object>("ALTER SYSTEM SET synchronous_standby_names = ''");
        await StandbyScalarAsync<object>("SELECT pg_reload_conf()");
    }

    public Task<T> PrimaryScalarAsync<T>(string sql) => ScalarAsync<T>(PrimaryPort, sql);

    public Task<T> StandbyScalarAsync<T>(string sql) => ScalarAsync<T>(StandbyPort, sql);

    /// <summary>Runs <paramref name="sql"/> on one server, unpooled (the service in this process pools its own connections).</summary>
    public static async Task<T> ScalarAsync<T>(int port, string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    public static async Task<List<string>> ColumnAsync(int port, string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>Until the standby has replayed everything the primary has written so far.</summary>
    public async Task WaitForStandbyAsync()
    {
        var lsn = await PrimaryScalarAsync<string>("SELECT pg_current_wal_lsn()::text");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await StandbyScalarAsync<bool>($"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The standby did not replay up to {lsn} within 20 s.");
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var data in new[] { StandbyData, PrimaryData })
        {
            try
            {
                await RunAsPostgresAsync("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task StartAsync(string data, int port, string log) =>
        RunAsPostgresAsync("pg_ctl", "-D", data, "-l", Path.Combine(directory, log), "-w", "-o", $"-h 127.0.0.1 -p {port} -k {directory}", "start");

    private static Task RunAsPostgresAsync(string program, params string[] arguments) =>
        RunAsync("runuser", ["-u", "postgres", "--", program.StartsWith('/') || program == "chown" ? program : Path.Combine(TestServers.PostgresBin, program), .. arguments]);

    private static Task RunAsync(string file, params string[] arguments) => PrivatePostgres.RunAsync(file, arguments);
}
