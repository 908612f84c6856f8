using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Dapper;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Data.Generation;
using SkillVerify.Data.Import;
using SkillVerify.Data.Partners;
using Spectre.Console;
using StackExchange.Redis;

namespace SkillVerify.Cli;

public static class Commands
{
    public static Command Migrate(Option<string?> provider, Option<string?> connection)
    {
        var command = new Command("migrate", "Apply the schema scripts not yet applied to the configured database, and list them.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = CliSettings.Resolve(parse.GetValue(provider), parse.GetValue(connection));
            var store = new DapperStore(settings.CreateDialect(), TimeProvider.System, 600);
            var applied = await store.ApplyMigrationsAsync(cancellationToken);
            foreach (var name in applied)
            {
                Console.WriteLine($"applied {name}");
            }
            Console.WriteLine(applied.Count == 0
                ? $"Schema already up to date ({Where(settings)}): nothing applied."
                : $"Applied {applied.Count} schema script(s) ({Where(settings)}); the schema is up to date.");
            return 0;
        });
        return command;
    }

    private static string Where(CliSettings settings) => settings.EmbeddedDefault
        ? $"{settings.Provider}, embedded default {Path.Combine(settings.DataDirectory, "skillverify.db")}"
        : settings.Provider;

    public static Command Import(Option<string?> provider, Option<string?> connection)
    {
        var command = new Command("import", """
            Insert or update rows from a CSV (UTF-8 or GBK/GB18030), XLSX or JSON Lines file; see docs/data-format.md.
            Exit code: 0 every row imported, 1 some rows rejected (listed in the rejects file), 2 nothing imported or the run failed.

            Examples:
              skillverify import organizations organizations.csv
              skillverify import certificates 证书.xlsx --sheet Sheet1
              skillverify import certificates certificates.csv --encoding gb18030 --rejects rejected.csv
            """);
        foreach (var kind in ImportKind.All)
        {
            var file = new Argument<FileInfo>("FILE") { Description = $"CSV with a header row (Chinese or English column names; {string.Join(",", kind.ColumnSpecs.Where(c => c.Required).Select(c => c.Name))} required), .xlsx, or JSON Lines (.jsonl)" };
            var format = new Option<string?>("--format") { Description = "csv | xlsx | jsonl (default: from the file extension)" };
            var encoding = new Option<string?>("--encoding") { Description = "CSV/JSON Lines text encoding: utf-8 | gb18030 | gbk (default: detected; a UTF-8 BOM is allowed)" };
            var sheet = new Option<string?>("--sheet") { Description = "XLSX: the sheet to read (default: the first)" };
            var rejects = new Option<FileInfo?>("--rejects") { Description = "Where rejected rows go, one line per error (default: FILE.rejects.csv)" };
            var batchSize = new Option<int>("--batch-size") { Description = "Rows per committed batch (1 to 1000000)", DefaultValueFactory = _ => 10_000 };
            var sub = new Command(kind.Name, $"Import {kind.Name}.") { file, format, encoding, sheet, rejects, batchSize };
            sub.SetAction(async (parse, cancellationToken) =>
            {
                var path = parse.GetValue(file)!.FullName;
                if (!File.Exists(path))
                {
                    throw new CliException($"文件不存在：{path}", $"No such file: {path}");
                }
                var size = parse.GetValue(batchSize);
                if (size is < 1 or > 1_000_000)
                {
                    throw new CliException($"--batch-size 是 {size}，必须在 1 到 1000000 之间。", $"--batch-size is {size}; it must be from 1 to 1000000.");
                }
                Encoding? textEncoding = null;
                if (parse.GetValue(encoding) is { } encodingName)
                {
                    textEncoding = RecordSources.EncodingByName(encodingName)
                        ?? throw new CliException($"--encoding 是“{encodingName}”，只能是 utf-8、gb18030 或 gbk。", $"--encoding is '{encodingName}'; it must be utf-8, gb18030 or gbk.");
                }
                var importFormat = parse.GetValue(format)?.ToLowerInvariant() switch
                {
                    null => RecordReader.FormatOf(path),
                    "csv" => ImportFormat.Csv,
                    "jsonl" => ImportFormat.JsonLines,
                    "xlsx" => ImportFormat.Xlsx,
                    var other => throw new CliException($"--format 是“{other}”，只能是 csv、xlsx 或 jsonl。", $"--format is '{other}'; it must be csv, xlsx or jsonl."),
                };
                var options = new ImportOptions(path, parse.GetValue(rejects)?.FullName ?? path + ".rejects.csv", importFormat, size, textEncoding, parse.GetValue(sheet));
                var settings = CliSettings.Resolve(parse.GetValue(provider), parse.GetValue(connection));
                var hasher = kind is CertificatesKind ? settings.CreateHasher() : null;
                var dialect = settings.CreateDialect();
                // The schema first (idempotent): an operator's first import needs no separate step.
                foreach (var name in await new DapperStore(dialect, TimeProvider.System, 600).ApplyMigrationsAsync(cancellationToken))
                {
                    Console.WriteLine($"applied {name}");
                }
                var importer = new Importer(dialect, TimeProvider.System);
                var result = await RunWithProgressAsync(kind, options, progress => importer.RunAsync(kind, options, hasher, progress, cancellationToken));
                PrintSummary(kind, options, result);
                var exit = Importer.ExitCode(result);
                return result.Inserted + result.Updated == 0 ? exit : Math.Max(exit, await PublishInvalidationAsync(settings));
            });
            command.Subcommands.Add(sub);
        }
        return command;
    }

    public static Command Template()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the templates (created if missing)", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var chinese = new Option<bool>("--english-headers") { Description = "Write the English column names instead of the Chinese ones" };
        var command = new Command("template", """
            Write an import template for each kind: KIND.csv (UTF-8 with BOM, so Excel opens it right) and KIND.xlsx, with the
            headers and one example row. Columns and values: docs/data-format.md.

            Example:
              skillverify template --out ./templates
            """) { output, chinese };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(output)!.FullName;
            Directory.CreateDirectory(dir);
            foreach (var kind in ImportKind.All)
            {
                foreach (var written in ImportTemplates.Write(kind, dir, chineseHeaders: !parse.GetValue(chinese)))
                {
                    Console.WriteLine($"wrote {written}");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Tells every running API instance to drop what its caches hold (issue 4's publisher), when Redis is
    /// configured. The rows are committed either way; exit code 3 says the caches could not be told.
    /// </summary>
    private static async Task<int> PublishInvalidationAsync(CliSettings settings)
    {
        if (settings.Redis is null)
        {
            return 0;
        }
        try
        {
            await using var publisher = await CacheInvalidationPublisher.ConnectAsync(settings.Redis, settings.CacheKeyPrefix);
            // A bulk import may touch any record: every instance drops its cached records and registry answers.
            await publisher.PublishAsync(CacheInvalidation.All);
            Console.WriteLine("Cache invalidation published to every API instance.");
            return 0;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"警告：数据已提交，但无法通知 Redis（{e.GetType().Name}）；各 API 实例在缓存过期后（Cache:LocalSeconds）才会看到变化。");
            Console.Error.WriteLine($"warning: the rows are committed, but Redis could not be told ({e.GetType().Name}); "
                + "API instances see the changes when their cached copies expire (Cache:LocalSeconds).");
            return 3;
        }
    }

    public static Command Generate()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the files (keep it out of git, e.g. under /tmp)", Required = true };
        var organizations = new Option<int>("--organizations") { Description = "Number of organizations", DefaultValueFactory = _ => 2_000 };
        var certificates = new Option<int>("--certificates") { Description = "Number of certificates", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "The same seed gives the same data", DefaultValueFactory = _ => 42 };
        var format = new Option<string>("--format") { Description = "csv | jsonl | xlsx", DefaultValueFactory = _ => "csv" };
        var today = new Option<string?>("--today") { Description = "The generation date (yyyy-MM-dd), for reproducible issue dates; default 2026-01-01" };
        var command = new Command("generate", "Write a reproducible synthetic dataset (organizations, scopes, status-events, certificates) as import files.")
        {
            output, organizations, certificates, seed, format, today,
        };
        command.SetAction(parse =>
        {
            var fmt = parse.GetValue(format) switch
            {
                "csv" => ImportFormat.Csv,
                "jsonl" => ImportFormat.JsonLines,
                "xlsx" => ImportFormat.Xlsx,
                var other => throw new CliException($"--format 是“{other}”，只能是 csv、jsonl 或 xlsx。", $"--format is '{other}'; it must be csv, jsonl or xlsx."),
            };
            var day = new DateOnly(2026, 1, 1);
            if (parse.GetValue(today) is { } t && !DateOnly.TryParseExact(t, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out day))
            {
                throw new CliException($"--today 是“{t}”，不是 yyyy-MM-dd 格式的日期（例如 2026-01-01）。", $"--today is '{t}', which is not a date yyyy-MM-dd (e.g. 2026-01-01).");
            }
            var dir = parse.GetValue(output)!.FullName;
            var count = parse.GetValue(certificates);
            if (count is < 1 or > 100_000_000)
            {
                throw new CliException($"--certificates 是 {count}，必须在 1 到 100000000 之间。", $"--certificates is {count}; it must be from 1 to 100000000.");
            }
            if (parse.GetValue(organizations) is var orgs && orgs is < 1 or > 1_000_000)
            {
                throw new CliException($"--organizations 是 {orgs}，必须在 1 到 1000000 之间。", $"--organizations is {orgs}; it must be from 1 to 1000000.");
            }
            var clock = Stopwatch.StartNew();
            DatasetWriter.Write(dir, fmt, parse.GetValue(seed), parse.GetValue(organizations), count, day,
                n => { if (Console.IsOutputRedirected || n == count) { Console.Error.WriteLine($"{n:N0} certificates"); } });
            Console.WriteLine($"Wrote {parse.GetValue(organizations):N0} organizations and {count:N0} certificates to {dir} in {clock.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    public static Command Keys(Option<string?> provider, Option<string?> connection)
    {
        var name = new Option<string>("--name") { Description = "Who holds the key (e.g. the partner province's platform)", Required = true };
        var provinces = new Option<string>("--provinces") { Description = "Province codes it may query, comma-separated, or * for every province", DefaultValueFactory = _ => "*" };
        var batch = new Option<bool>("--batch") { Description = "May call POST /api/v1/verifications/batch" };
        var idMatching = new Option<bool>("--id-matching") { Description = "May match ID numbers" };
        var quota = new Option<int>("--quota") { Description = "Requests per minute (a batch of N counts N)", DefaultValueFactory = _ => 6_000 };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When the key stops working (ISO 8601, e.g. 2027-12-31T00:00:00+08:00); none by default" };
        var create = new Command("create", "Create a partner key; prints the key once (only its hash is stored).") { name, provinces, batch, idMatching, quota, expires };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var keys = await OpenKeysAsync(parse, provider, connection, cancellationToken);
            try
            {
                var created = await keys.CreateAsync(new NewPartnerKey(parse.GetValue(name)!,
                    PartnerScope.ParseProvinces(parse.GetValue(provinces)!), parse.GetValue(batch), parse.GetValue(idMatching),
                    parse.GetValue(quota), parse.GetValue(expires)), cancellationToken);
                // The only time the key is ever shown: stdout, alone on its line, for scripts to capture.
                Console.WriteLine(created.Plaintext);
                Console.Error.WriteLine($"Created partner key {created.Key.Id} for '{created.Key.Name}'. Store it now: only its hash is kept.");
                return 0;
            }
            catch (ArgumentException e)
            {
                var sentence = e.Message.Split(" (Parameter")[0];
                throw new CliException($"合作方密钥的参数有误：{sentence}", sentence);
            }
        });

        var list = new Command("list", "List partner keys: id, name, scope, quota, expiry, state. Never the secret.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            var keys = await OpenKeysAsync(parse, provider, connection, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            // Plain tab-separated lines: readable, and easy for scripts (names stay intact whatever the terminal width).
            Console.WriteLine(string.Join('\t', "id", "name", "provinces", "batch", "id_matching", "per_minute", "expires", "state", "created"));
            foreach (var key in await keys.ListAsync(cancellationToken))
            {
                var state = key.IsRevoked ? $"revoked {key.RevokedAt:yyyy-MM-dd}" : key.IsExpired(now) ? "expired" : "active";
                Console.WriteLine(string.Join('\t', key.Id, key.Name, key.Scope.ProvincesText, key.Scope.BatchAllowed ? "yes" : "no",
                    key.Scope.IdMatchingAllowed ? "yes" : "no", key.RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    key.ExpiresAt?.ToString("yyyy-MM-ddTHH:mmzzz", System.Globalization.CultureInfo.InvariantCulture) ?? "never", state,
                    key.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
            }
            return 0;
        });

        var id = new Argument<string>("ID") { Description = "The key's id, as `keys list` shows it" };
        var revoke = new Command("revoke", "Revoke a partner key; running instances refuse it within Partners:RefreshSeconds.") { id };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var keys = await OpenKeysAsync(parse, provider, connection, cancellationToken);
            if (!await keys.RevokeAsync(parse.GetValue(id)!, cancellationToken))
            {
                throw new CliException($"没有 id 为“{parse.GetValue(id)}”的有效合作方密钥。", $"No active partner key has the id '{parse.GetValue(id)}'.");
            }
            Console.WriteLine($"Revoked partner key {parse.GetValue(id)}.");
            return 0;
        });
        return new Command("keys", "Partner API keys: create, list, revoke.") { create, list, revoke };
    }

    private static async Task<PartnerKeys> OpenKeysAsync(ParseResult parse, Option<string?> provider, Option<string?> connection, CancellationToken cancellationToken)
    {
        var settings = CliSettings.Resolve(parse.GetValue(provider), parse.GetValue(connection));
        var dialect = settings.CreateDialect();
        await new DapperStore(dialect, TimeProvider.System, 600).MigrateAsync(cancellationToken);
        return PartnerKeys.Open(dialect);
    }

    public static Command BenchLookups(Option<string?> provider, Option<string?> connection)
    {
        var count = new Option<int>("--count") { Description = "Number of lookups", DefaultValueFactory = _ => 200_000 };
        var sample = new Option<int>("--sample") { Description = "Distinct codes drawn at random from the table", DefaultValueFactory = _ => 100_000 };
        var command = new Command("bench-lookups", "Single-threaded point lookups by certificate code through the store (as the API's cache miss does).")
        {
            count, sample,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = CliSettings.Resolve(parse.GetValue(provider), parse.GetValue(connection));
            var store = new DapperStore(settings.CreateDialect(), TimeProvider.System, 30);
            var codes = await SampleCodesAsync(settings.CreateDialect(), parse.GetValue(sample), cancellationToken);
            if (codes.Count == 0)
            {
                throw new CliException("证书表是空的：请先导入证书。", "The certificates table is empty; import some first.");
            }
            var n = parse.GetValue(count);
            // Warm up: JIT, the connection pool, the page cache.
            for (var i = 0; i < Math.Min(n, 20_000); i++)
            {
                _ = await store.FindCertificateAsync(codes[i % codes.Count], cancellationToken);
            }
            var found = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                if (await store.FindCertificateAsync(codes[(int)((i * 7919L) % codes.Count)], cancellationToken) is not null)
                {
                    found++;
                }
            }
            clock.Stop();
            var total = await store.CountCertificatesAsync(cancellationToken);
            Console.WriteLine($"{n:N0} lookups over {total:N0} certificates ({found:N0} found) in {clock.Elapsed.TotalSeconds:F2} s: {n / clock.Elapsed.TotalSeconds:N0} lookups/s, {clock.Elapsed.TotalMicroseconds / n:F1} µs each.");
            return 0;
        });
        return command;
    }

    private static async Task<List<string>> SampleCodesAsync(SqlDialect dialect, int size, CancellationToken cancellationToken)
    {
        // Reservoir sample over one scan, so the sample covers the whole key range.
        const string sql = "SELECT code FROM certificates";
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var random = new Random(7);
        var reservoir = new List<string>(size);
        long seen = 0;
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, commandTimeout: 600, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            seen++;
            if (reservoir.Count < size)
            {
                reservoir.Add(reader.GetString(0));
            }
            else if (random.NextInt64(seen) is var j && j < size)
            {
                reservoir[(int)j] = reader.GetString(0);
            }
        }
        return reservoir;
    }

    /// <summary>A redrawn bar (percentage, rate, time left) on a terminal; one plain line per batch when the output is piped or logged.</summary>
    private static async Task<ImportProgress> RunWithProgressAsync(ImportKind kind, ImportOptions options, Func<IProgress<ImportProgress>, Task<ImportProgress>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Plain lines, never wrapped (no console width applies to a pipe).
            return await run(new SyncProgress(p =>
                Console.WriteLine($"batch {p.Batches}: read {p.Read:N0}, inserted {p.Inserted:N0}, updated {p.Updated:N0}, unchanged {p.Unchanged:N0}, rejected {p.Rejected:N0}, "
                    + $"{p.RowsPerSecond:N0} rows/s, {Percent(p):F0}%")));
        }
        ImportProgress? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{kind.Name} ← {Path.GetFileName(options.File)}", maxValue: Math.Max(1, new FileInfo(options.File).Length));
                result = await run(new SyncProgress(p =>
                {
                    task.Value = Math.Min(p.BytesRead, task.MaxValue);
                    task.Description = $"{kind.Name}: {p.Read:N0} rows, {p.RowsPerSecond:N0}/s, {p.Rejected:N0} rejected";
                }));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static double Percent(ImportProgress p) => p.BytesTotal > 0 ? Math.Min(100, 100.0 * p.BytesRead / p.BytesTotal) : 0;

    private static void PrintSummary(ImportKind kind, ImportOptions options, ImportProgress p)
    {
        // One human sentence and one machine-readable line (load-tests/import-bench.sh reads it), plain text: never wrapped.
        Console.WriteLine($"import {kind.Name} from {Path.GetFileName(options.File)} ({p.Source}): read {p.Read:N0}, inserted {p.Inserted:N0}, updated {p.Updated:N0}, "
            + $"unchanged {p.Unchanged:N0}, rejected {p.Rejected:N0} in {p.Elapsed.TotalSeconds:F1} s ({p.RowsPerSecond:N0} rows/s).");
        Console.WriteLine($"summary kind={kind.Name} read={p.Read} inserted={p.Inserted} updated={p.Updated} unchanged={p.Unchanged} rejected={p.Rejected} seconds={p.Elapsed.TotalSeconds:F2} write_seconds={p.WriteTime.TotalSeconds:F2} rows_per_second={p.RowsPerSecond:F0} gc_pause_seconds={GC.GetTotalPauseDuration().TotalSeconds:F2} gc_collections={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        if (p.Rejected > 0)
        {
            Console.WriteLine($"{p.Rejected:N0} rejected rows (行被拒绝): each error with line, column, value and reason in {options.RejectsFile}");
        }
        else if (p.Read == 0)
        {
            Console.WriteLine("The file has no rows after the header: nothing imported (文件在表头之后没有数据行).");
        }
    }

    /// <summary>Reports on the caller's thread (the writer), not on the thread pool, so the bar stays in order.</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
