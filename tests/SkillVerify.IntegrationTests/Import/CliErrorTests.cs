using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Import;

/// <summary>
/// What an operator sees when something is wrong: one sentence in Chinese and one in English, exit code 2, no stack
/// trace (unless --verbose asks for one). The real tool, run as a process.
/// </summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(TestFolders.New()).FullName;

    public static TheoryData<string, string[], string, string> Cases => new()
    {
        { "missing connection string", ["migrate", "--provider", "postgres"], "必须设置连接字符串", "must be set when the provider is postgres" },
        { "bad provider", ["migrate", "--provider", "oracle"], "只能是 sqlite、sqlserver、postgres", "it must be one of: sqlite, sqlserver, postgres" },
        { "missing file", ["import", "certificates", "no-such-file.csv"], "文件不存在", "No such file" },
        { "bad --today", ["generate", "--out", "gen", "--today", "2026-13-01"], "不是 yyyy-MM-dd 格式的日期", "--today is '2026-13-01', which is not a date" },
        { "negative --certificates", ["generate", "--out", "gen", "--certificates", "-5"], "--certificates 是 -5", "--certificates is -5; it must be from 1" },
        { "refused connection", ["migrate", "--provider", "postgres", "--connection", "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3"], "无法连接数据库", "Cannot connect to the database (ConnectionRefused)" },
        { "bad --encoding", ["import", "organizations", "x.csv", "--encoding", "latin1"], "--encoding 是“latin1”", "--encoding is 'latin1'; it must be utf-8, gb18030 or gbk" },
        { "old .xls", ["import", "organizations", "x.xls"], "旧的 .xls 格式", "the old .xls format" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnErrorIsOneSentenceInChineseAndEnglishWithExitCode2AndNoStackTrace(string what, string[] arguments, string zh, string en)
    {
        File.WriteAllText(Path.Combine(folder, "x.csv"), "code\n");
        File.WriteAllText(Path.Combine(folder, "x.xls"), "not a workbook");

        var (exitCode, output) = await RunAsync(arguments);

        Assert.True(exitCode == 2, $"{what}: exit {exitCode}: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("错误：", StringComparison.Ordinal) && l.Contains(zh, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains(en, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);

        var (_, verbose) = await RunAsync([.. arguments, "--verbose"]);
        Assert.Contains("Exception", verbose);
    }

    [Fact]
    public async Task MigrateOnTheEmbeddedDefaultListsWhatItAppliedThenNothing()
    {
        var (firstExit, first) = await RunAsync("migrate");
        var (secondExit, second) = await RunAsync("migrate");

        Assert.Equal((0, 0), (firstExit, secondExit));
        Assert.Contains("applied 001_initial.sql", first);
        Assert.Contains("applied 004_hash_key_fingerprint.sql", first);
        Assert.Contains(Path.Combine(folder, "data", "skillverify.db"), first);
        Assert.DoesNotContain("applied 0", second);
        Assert.Contains("nothing applied", second);
    }

    [Fact]
    public async Task TemplateWritesCsvAndXlsxThatImportWithoutARejectedRow()
    {
        var (exit, output) = await RunAsync("template", "--out", "templates");
        Assert.True(exit == 0, output);
        foreach (var kind in new[] { "organizations", "scopes", "status-events", "certificates" })
        {
            var csv = Path.Combine(folder, "templates", kind + ".csv");
            Assert.True(File.Exists(Path.Combine(folder, "templates", kind + ".xlsx")), kind);
            var bytes = await File.ReadAllBytesAsync(csv);
            Assert.True(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]), "the CSV template has a BOM for Excel");
            var (importExit, imported) = await RunAsync("import", kind, csv);
            Assert.True(importExit == 0, imported);
            Assert.Contains("rejected=0", imported);
        }
        var (xlsxExit, xlsx) = await RunAsync("import", "certificates", Path.Combine(folder, "templates", "certificates.xlsx"));
        Assert.True(xlsxExit == 0, xlsx);
        Assert.Contains("unchanged=1", xlsx);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["Database__DataDirectory"] = Path.Combine(folder, "data") };
        return Tool.RunInAsync(Tool.Cli, environment, folder, arguments);
    }

    public void Dispose() => TestFolders.Remove(folder);
}
