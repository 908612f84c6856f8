using System.CommandLine;
using System.Data.Common;
using System.Net.Sockets;
using SkillVerify.Cli;
using SkillVerify.Data;
using SkillVerify.Data.Import;

// skillverify: migrate | import KIND FILE | template | generate | bench-lookups | keys. Settings as the API reads them (CliSettings).
// Errors are one sentence in Chinese and one in English on stderr, never a stack trace (unless --verbose); exit codes in docs/data-format.md.
var provider = new Option<string?>("--provider") { Description = "sqlite | sqlserver | postgres (default: Database__Provider, else sqlite)", Recursive = true };
var connection = new Option<string?>("--connection") { Description = "Connection string (default: ConnectionStrings__SkillVerify; none: the API's embedded SQLite file data/skillverify.db)", Recursive = true };
var verbose = new Option<bool>("--verbose") { Description = "On an error, print the exception and its stack trace too", Recursive = true };

var root = new RootCommand("""
    SkillVerify operator tool: schema, bulk import and synthetic data for the certificate verification service.
    Settings come from the same environment variables as the API (Database__Provider, ConnectionStrings__SkillVerify,
    Privacy__HashKey); with none, the API's embedded default (SQLite file data/skillverify.db) is used.

    Examples:
      skillverify migrate --provider postgres --connection "Host=db;Username=skillverify;Database=skillverify"
      skillverify template --out /tmp/templates
      skillverify import organizations 机构.csv
      skillverify import certificates 证书.xlsx --sheet 证书 --rejects /tmp/rejects.csv
      skillverify import certificates certificates.csv --encoding gb18030
      skillverify generate --out /tmp/skillverify-data --certificates 100000
    """);
root.Options.Add(provider);
root.Options.Add(connection);
root.Options.Add(verbose);
root.Subcommands.Add(Commands.Migrate(provider, connection));
root.Subcommands.Add(Commands.Import(provider, connection));
root.Subcommands.Add(Commands.Template());
root.Subcommands.Add(Commands.Generate());
root.Subcommands.Add(Commands.BenchLookups(provider, connection));
root.Subcommands.Add(Commands.Keys(provider, connection));

var parse = root.Parse(args);
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    var (zh, en, code) = CliErrors.Describe(e);
    Console.Error.WriteLine("错误：" + zh);
    Console.Error.WriteLine("error: " + en);
    if (parse.GetValue(verbose))
    {
        Console.Error.WriteLine(e.ToString());
    }
    return code;
}

/// <summary>Every failure as one sentence in each language and an exit code (2: the run failed).</summary>
internal static class CliErrors
{
    public static (string Zh, string En, int ExitCode) Describe(Exception e) => e switch
    {
        CliException c => (c.MessageZh, c.Message, c.ExitCode),
        ImportFileException f => (f.MessageZh, f.Message, 2),
        HashKeyMismatchException h => (h.MessageZh, h.Message, 2),
        OperationCanceledException => ("已取消：已提交的批次保留，重新运行会补完其余的行。", "Cancelled: the committed batches stay; running it again completes the rest.", 2),
        _ when Find<SocketException>(e) is { } s => (
            $"无法连接数据库（{s.SocketErrorCode}）：请检查连接字符串（ConnectionStrings__SkillVerify 或 --connection）中的主机和端口，以及数据库是否在运行。",
            $"Cannot connect to the database ({s.SocketErrorCode}): check the host and port in the connection string (ConnectionStrings__SkillVerify or --connection) and that the database is running.", 2),
        DbException d => (
            $"数据库报错：{OneLine(d.Message)}。请检查连接字符串、账号权限，以及是否已运行 skillverify migrate。",
            $"The database refused the operation: {OneLine(d.Message)}. Check the connection string, the account's rights, and that skillverify migrate has run.", 2),
        TimeoutException => ("连接数据库超时：请检查数据库是否在运行、是否可以访问。", "Connecting to the database timed out: check that it is running and reachable.", 2),
        ArgumentException a => ($"参数或连接字符串有误：{OneLine(a.Message)}", $"An option or the connection string is wrong: {OneLine(a.Message)}", 2),
        UnauthorizedAccessException u => ($"没有权限访问文件：{OneLine(u.Message)}", $"No permission to access a file: {OneLine(u.Message)}", 2),
        IOException io => ($"读写文件失败：{OneLine(io.Message)}", $"Reading or writing a file failed: {OneLine(io.Message)}", 2),
        _ => ($"意外错误（{e.GetType().Name}）：{OneLine(e.Message)}。加 --verbose 可看到详细信息。",
            $"Unexpected error ({e.GetType().Name}): {OneLine(e.Message)}. Add --verbose for the details.", 2),
    };

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }
        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.', '。');
}
