using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace SkillVerify.Api.Observability;

/// <summary>
/// Console logs (stdout, or stderr from <see cref="ConsoleLoggerOptions.LogToStandardErrorThreshold"/>) written in
/// batches. Hand-written because Microsoft's <c>ConsoleLoggerProvider</c> hands every record to its writer thread
/// (a lock and a wake-up) which then issues one <c>write(2)</c> per record: with one audit record per verification,
/// that was ~15–20 µs of CPU per request, a third of a hot verification (load-tests/README.md). This provider
/// formats each record on the caller's thread with the configured <see cref="ConsoleFormatter"/> — the same
/// formatter objects the console logger uses, so every line is what it would have written — appends it to a
/// shared buffer, and one background thread writes the buffer every <see cref="FlushInterval"/> (sooner past
/// <see cref="FlushBytes"/>) in one call. Nothing is dropped: past <see cref="MaxPendingChars"/> callers wait for
/// the writer (backpressure, as the console logger's bounded queue does), and disposal writes what is left.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);
    public const int FlushBytes = 64 * 1024;
    public const int MaxPendingChars = 4 * 1024 * 1024;

    private readonly IOptionsMonitor<ConsoleLoggerOptions> options;
    private readonly Dictionary<string, ConsoleFormatter> formatters;
    private readonly Sink stdout;
    private readonly Sink stderr;
    private readonly Thread writer;
    private readonly AutoResetEvent wake = new(false);
    private volatile bool stopping;
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(options, formatters, Console.OpenStandardOutput(), Console.OpenStandardError())
    {
    }

    internal BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, Stream stdout, Stream stderr)
    {
        this.options = options;
        this.formatters = formatters.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        this.stdout = new Sink(stdout, wake);
        this.stderr = new Sink(stderr, wake);
        writer = new Thread(WriteLoop) { IsBackground = true, Name = "Console log writer" };
        writer.Start();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public ILogger CreateLogger(string categoryName) => new BatchedConsoleLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    /// <summary>Writes every record logged so far (tests and shutdown).</summary>
    public void Flush()
    {
        stdout.WritePending();
        stderr.WritePending();
    }

    public void Dispose()
    {
        if (stopping)
        {
            return;
        }
        stopping = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        wake.Set();
        writer.Join(TimeSpan.FromSeconds(5));
        Flush();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Flush();

    private void WriteLoop()
    {
        while (!stopping)
        {
            wake.WaitOne(FlushInterval);
            try
            {
                Flush();
            }
            catch (IOException)
            {
                // stdout closed (the collector went away): nothing more can be written; keep draining so callers never block.
            }
        }
    }

    private ConsoleFormatter Formatter()
    {
        var name = options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
        return formatters.TryGetValue(name, out var formatter) ? formatter : formatters[ConsoleFormatterNames.Simple];
    }

    private sealed class BatchedConsoleLogger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? line;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var text = line ??= new StringWriter(new StringBuilder(1024), System.Globalization.CultureInfo.InvariantCulture);
            var builder = text.GetStringBuilder();
            builder.Clear();
            provider.Formatter().Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider.scopes, text);
            if (builder.Length == 0)
            {
                return;
            }
            var sink = logLevel >= provider.options.CurrentValue.LogToStandardErrorThreshold ? provider.stderr : provider.stdout;
            sink.Append(builder);
            if (builder.Capacity > 64 * 1024)
            {
                line = null; // one huge record (an exception) does not pin its buffer to the thread
            }
        }
    }

    /// <summary>One output stream: records pending as text, written (UTF-8) by whoever flushes.</summary>
    private sealed class Sink(Stream stream, AutoResetEvent wake)
    {
        private readonly object gate = new();
        private readonly object writing = new();
        private StringBuilder pending = new(64 * 1024);
        private StringBuilder spare = new(64 * 1024);
        private readonly Encoder encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
        private byte[] bytes = new byte[256 * 1024];

        public void Append(StringBuilder record)
        {
            lock (gate)
            {
                while (pending.Length > MaxPendingChars)
                {
                    // The writer is behind (a slow or blocked stdout): wait for it rather than drop or grow without bound.
                    wake.Set();
                    Monitor.Wait(gate, 100);
                }
                pending.Append(record);
                if (pending.Length >= FlushBytes)
                {
                    wake.Set();
                }
            }
        }

        public void WritePending()
        {
            lock (writing)
            {
                StringBuilder batch;
                lock (gate)
                {
                    if (pending.Length == 0)
                    {
                        return;
                    }
                    batch = pending;
                    pending = spare;
                    Monitor.PulseAll(gate);
                }
                try
                {
                    var chunks = batch.GetChunks();
                    var more = chunks.MoveNext();
                    while (more)
                    {
                        var chunk = chunks.Current.Span;
                        more = chunks.MoveNext();
                        var needed = Encoding.UTF8.GetMaxByteCount(chunk.Length);
                        if (bytes.Length < needed)
                        {
                            bytes = new byte[needed];
                        }
                        // One encoder across chunks: a character split over two chunks (a surrogate pair) stays whole.
                        var count = encoder.GetBytes(chunk, bytes, flush: !more);
                        stream.Write(bytes, 0, count);
                    }
                    stream.Flush();
                }
                finally
                {
                    batch.Clear();
                    spare = batch;
                }
            }
        }
    }
}
