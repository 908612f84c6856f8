using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>One log entry as a test host wrote it: everything a log sink would receive.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State, string? Exception)
{
    /// <summary>The entry as one line of text: category, level, event, message, every structured value and the exception.</summary>
    public string ToLine()
    {
        var line = new StringBuilder();
        line.Append(Category).Append(' ').Append(Level).Append(' ').Append(EventId.Id).Append(' ').Append(EventId.Name).Append(' ');
        line.Append(Message.ReplaceLineEndings(" "));
        foreach (var (key, value) in State)
        {
            line.Append(" | ").Append(key).Append('=').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)?.ReplaceLineEndings(" "));
        }
        if (Exception is not null)
        {
            line.Append(" | exception=").Append(Exception.ReplaceLineEndings(" "));
        }
        return line.ToString();
    }
}

/// <summary>
/// Every test host logs through this provider as well as its configured ones (same level filters as production),
/// so tests can inspect what the service logged, and so that all of it also lands in a file under
/// <c>SKILLVERIFY_TEST_LOG_DIR</c> (default: a folder in the temp directory), which scripts/test.sh scans
/// after the whole suite for holder names, ID numbers and full certificate codes.
/// </summary>
public sealed class TestLogProvider : ILoggerProvider
{
    private static readonly Lock FileLock = new();
    private static readonly string FilePath = CreateFilePath();

    private readonly ConcurrentQueue<LogEntry> entries = new();

    public static string Directory => Environment.GetEnvironmentVariable("SKILLVERIFY_TEST_LOG_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Path.GetTempPath(), "skillverify-test-logs");

    public IReadOnlyCollection<LogEntry> Entries => entries;

    public IEnumerable<string> Lines => entries.Select(e => e.ToLine());

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogEntry entry)
    {
        entries.Enqueue(entry);
        lock (FileLock)
        {
            File.AppendAllText(FilePath, entry.ToLine() + "\n");
        }
    }

    private static string CreateFilePath()
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"integration-tests-{Environment.ProcessId}.log");
    }

    private sealed class Logger(TestLogProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            provider.Write(new LogEntry(category, logLevel, eventId, formatter(state, exception), values.ToList(), exception?.ToString()));
        }
    }
}
