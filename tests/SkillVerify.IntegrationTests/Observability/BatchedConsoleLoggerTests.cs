using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Observability;

namespace SkillVerify.IntegrationTests.Observability;

/// <summary>The console log provider that writes in batches: every record, whole, in order, in the console logger's format.</summary>
public class BatchedConsoleLoggerTests
{
    [Fact]
    public void EveryRecordFromManyThreadsIsWrittenWholeAsOneJsonLine()
    {
        var stdout = new MemoryStream();
        const int threads = 4, perThread = 20_000;
        using (var provider = Create(stdout, new MemoryStream()))
        {
            var logger = provider.CreateLogger("SkillVerify.Audit");
            Parallel.For(0, threads, t =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    logger.LogInformation(9001, "Record {Thread} {Index} 技能 😀", t, i);
                }
            });
        }

        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(threads * perThread, lines.Length);
        var seen = new HashSet<(int, int)>();
        var lastIndex = new int[threads];
        Array.Fill(lastIndex, -1);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(9001, root.GetProperty("EventId").GetInt32());
            Assert.Equal("SkillVerify.Audit", root.GetProperty("Category").GetString());
            var state = root.GetProperty("State");
            var thread = int.Parse(state.GetProperty("Thread").ToString(), CultureInfo.InvariantCulture);
            var index = int.Parse(state.GetProperty("Index").ToString(), CultureInfo.InvariantCulture);
            Assert.EndsWith("技能 😀", root.GetProperty("Message").GetString());
            Assert.True(seen.Add((thread, index)));
            // One thread's records stay in the order it logged them.
            Assert.True(index > lastIndex[thread]);
            lastIndex[thread] = index;
        }
    }

    [Fact]
    public void LinesAreThoseOfTheConfiguredFormatter()
    {
        var stdout = new MemoryStream();
        var services = Services();
        var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        var expected = new StringWriter();
        using (var provider = Create(stdout, new MemoryStream(), services))
        {
            provider.CreateLogger("Cat").LogWarning(7, "Hello {Name}", "世界");
            provider.Flush();
        }

        List<KeyValuePair<string, object?>> state = [new("Name", "世界"), new("{OriginalFormat}", "Hello {Name}")];
        formatter.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Warning, "Cat", 7, state, null, (_, _) => "Hello 世界"), null, expected);
        var written = Encoding.UTF8.GetString(stdout.ToArray());
        using var json = JsonDocument.Parse(written);
        Assert.Equal("Hello 世界", json.RootElement.GetProperty("Message").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("LogLevel").GetString());
        // Same shape as the console formatter's own line: the same properties in the same order.
        using var shape = JsonDocument.Parse(expected.ToString());
        Assert.Equal(shape.RootElement.EnumerateObject().Select(p => p.Name), json.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void RecordsAtTheErrorThresholdGoToStandardError()
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        using (var provider = Create(stdout, stderr, Services(o => o.LogToStandardErrorThreshold = LogLevel.Error)))
        {
            var logger = provider.CreateLogger("Cat");
            logger.LogInformation("fine");
            logger.LogError("broken");
        }

        Assert.Contains("fine", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.DoesNotContain("broken", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Contains("broken", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public void RecordsAreWrittenWithinAFewFlushIntervalsWithoutDisposal()
    {
        var stdout = new SynchronizedStream();
        using var provider = Create(stdout, new MemoryStream());
        provider.CreateLogger("Cat").LogInformation("soon");

        // Bounded wait for the writer thread (the behaviour under test is that it writes on its own).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!stdout.Text.Contains("soon") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.Contains("soon", stdout.Text);
    }

    private static BatchedConsoleLoggerProvider Create(Stream stdout, Stream stderr, ServiceProvider? services = null)
    {
        services ??= Services();
        return new BatchedConsoleLoggerProvider(services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), services.GetServices<ConsoleFormatter>(), stdout, stderr);
    }

    private static ServiceProvider Services(Action<ConsoleLoggerOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddJsonConsole();
            if (configure is not null)
            {
                logging.Services.Configure(configure);
            }
        });
        return services.BuildServiceProvider();
    }

    private sealed class SynchronizedStream : MemoryStream
    {
        public string Text
        {
            get
            {
                lock (this)
                {
                    return Encoding.UTF8.GetString(ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (this)
            {
                base.Write(buffer, offset, count);
            }
        }
    }
}
