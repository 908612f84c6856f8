namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real servers started by <c>scripts/test-servers.sh</c> listen. A test that needs one and
/// cannot reach it fails with the sentence below; it is never skipped.
/// </summary>
public static class TestServers
{
    public const string HowToStart = "Start the test servers with `scripts/test-servers.sh start` (as root; README's test command does this), then `eval \"$(scripts/test-servers.sh env)\"`.";

    public static string Redis => Environment.GetEnvironmentVariable("SKILLVERIFY_TEST_REDIS") ?? "127.0.0.1:6390";

    public static string Postgres => Environment.GetEnvironmentVariable("SKILLVERIFY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5439;Username=postgres;Database=postgres;Pooling=true";

    public static string PostgresBin => Environment.GetEnvironmentVariable("SKILLVERIFY_TEST_PG_BIN") ?? "/usr/lib/postgresql/15/bin";

    public static string StateDirectory => Environment.GetEnvironmentVariable("SKILLVERIFY_TEST_STATE") ?? "/tmp/skillverify-test-servers";

    public static Exception Unreachable(string server, string address, Exception? inner = null) =>
        new InvalidOperationException($"The test {server} server at {address} cannot be reached. {HowToStart}", inner);
}
