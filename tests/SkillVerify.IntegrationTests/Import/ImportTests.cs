using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using SkillVerify.Data;
using SkillVerify.Data.Generation;
using SkillVerify.Data.Import;
using SkillVerify.Domain.Privacy;
using SkillVerify.IntegrationTests.Store;

namespace SkillVerify.IntegrationTests.Import;

/// <summary>
/// The bulk import, written once and run over SQLite and PostgreSQL: bad rows are rejected with their
/// line and reason while good rows load, an import is an idempotent upsert, and a killed import resumes.
/// </summary>
public abstract partial class ImportTests<TProvider> : IAsyncLifetime where TProvider : IStoreProvider, new()
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly TProvider provider = new();
    private readonly List<IStoreProvider> extra = [];
    private readonly string folder = Path.Combine(Path.GetTempPath(), "skillverify-tests", "import-" + Guid.NewGuid().ToString("N"));
    private SqlDialect dialect = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        dialect = await FreshDatabaseAsync(provider);
        DatasetWriter.Write(folder, ImportFormat.Csv, seed: 7, organizations: 60, certificates: 3_000, new DateOnly(2026, 1, 1));
        foreach (var kind in new ImportKind[] { new OrganizationsKind(), new ScopesKind(), new StatusEventsKind() })
        {
            var result = await ImportAsync(dialect, kind, File(kind));
            Assert.Equal(0, result.Rejected);
        }
    }

    public async Task DisposeAsync()
    {
        await provider.DisposeAsync();
        foreach (var p in extra)
        {
            await p.DisposeAsync();
        }
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task BadRowsAreRejectedWithLineAndReasonWhileGoodRowsLoad()
    {
        var good = System.IO.File.ReadAllLines(File(new CertificatesKind()), Encoding.UTF8).Skip(1).Take(50).ToList();
        var fields = good.Select(l => RecordReader.SplitCsv(l, out _)!).ToList();
        string Line(List<string?> f) => string.Join(",", f.Select(RecordReader.CsvField));
        List<string?> With(int row, int column, string? value) { var copy = fields[row].ToList(); copy[column] = value; return copy; }

        // Lines 2–51 are good; the bad ones follow, each breaking one rule.
        var lines = new List<byte[]> { Encoding.UTF8.GetBytes(string.Join(",", new CertificatesKind().Columns)) };
        lines.AddRange(good.Select(Encoding.UTF8.GetBytes));
        var expected = new Dictionary<int, string>
        {
            [52] = "code.malformed",
            [53] = "issuer.unknown",
            [54] = "duplicate.conflict",
            [55] = "utf8.invalid",
            [56] = "columns.count",
            [57] = "field.required",
        };
        lines.Add(Encoding.UTF8.GetBytes(Line(With(0, 0, "Y0000440300062330001"))));        // 20 characters
        lines.Add(Encoding.UTF8.GetBytes(Line(With(0, 0, "Y000044999999" + fields[0][0]![13..])))); // no such body
        lines.Add(Encoding.UTF8.GetBytes(Line(With(1, 5, "另一个人"))));                       // same code as line 3, other holder
        var broken = Encoding.UTF8.GetBytes(Line(With(2, 0, "Y000011000001" + fields[2][0]![13..])));
        lines.Add([.. broken.Take(30), 0xE5, 0xFF, .. broken.Skip(30)]);                       // not UTF-8
        lines.Add(Encoding.UTF8.GetBytes(Line(fields[3]) + ",extra"));                          // 15 fields
        lines.Add(Encoding.UTF8.GetBytes(Line(With(3, 3, null))));                             // occupation_name empty
        lines.Add(Encoding.UTF8.GetBytes(good[4]));                                             // identical repeat: skipped, not rejected
        var path = Path.Combine(folder, "bad.csv");
        await System.IO.File.WriteAllBytesAsync(path, lines.SelectMany(l => l.Append((byte)'\n')).ToArray());

        var result = await ImportAsync(dialect, new CertificatesKind(), path);

        Assert.Equal((57L, 50L, 6L), (result.Read, result.Inserted, result.Rejected));
        // line,column,value,code,reason_zh,reason_en: one line per error, here one error per row.
        var rejects = System.IO.File.ReadAllLines(path + ".rejects.csv").Skip(1)
            .Select(l => RecordReader.SplitCsv(l, out _)!).ToDictionary(f => int.Parse(f[0]!, CultureInfo.InvariantCulture), f => f[3]!);
        Assert.Equal(expected, rejects);
        var stored = await TableDump.ReadAsync(dialect, Tables.Certificates);
        Assert.Equal(50, stored.Count);
        Assert.Equal(fields.Select(f => f[0]!).Order(StringComparer.Ordinal), stored.Select(l => l[..22]).Order(StringComparer.Ordinal));
        // The holder's plaintext name and ID number never reach the database.
        Assert.DoesNotContain(stored, l => l.Contains(fields[0][5]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImportingTheSameFileTwiceLeavesIdenticalTables()
    {
        var file = File(new CertificatesKind());
        var first = await ImportAsync(dialect, new CertificatesKind(), file);
        var before = await TableDump.ReadAllAsync(dialect);

        var second = await ImportAsync(dialect, new CertificatesKind(), file);
        foreach (var kind in new ImportKind[] { new OrganizationsKind(), new ScopesKind(), new StatusEventsKind() })
        {
            var again = await ImportAsync(dialect, kind, File(kind));
            Assert.Equal((0L, 0L, again.Read), (again.Inserted, again.Updated, again.Unchanged));
        }

        Assert.Equal((3_000L, 0L, 0L), (first.Inserted, first.Updated, first.Rejected));
        Assert.Equal((0L, 0L, 3_000L), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(before, await TableDump.ReadAllAsync(dialect));
    }

    [Fact]
    public async Task JsonLinesAndCsvOfTheSameDataLoadTheSameRows()
    {
        var jsonFolder = Path.Combine(folder, "jsonl");
        DatasetWriter.Write(jsonFolder, ImportFormat.JsonLines, seed: 7, organizations: 60, certificates: 3_000, new DateOnly(2026, 1, 1));
        var jsonl = Path.Combine(jsonFolder, DatasetWriter.FileName(new CertificatesKind(), ImportFormat.JsonLines));
        var other = new TProvider();
        extra.Add(other);
        var fromJson = await FreshDatabaseAsync(other);
        foreach (var kind in ImportKind.All)
        {
            var path = Path.Combine(jsonFolder, DatasetWriter.FileName(kind, ImportFormat.JsonLines));
            var result = await new Importer(fromJson, TimeProvider.System).RunAsync(kind,
                new ImportOptions(path, path + ".rejects.csv", RecordReader.FormatOf(path)), new HolderHasher(Key));
            Assert.Equal(0, result.Rejected);
        }
        await ImportAsync(dialect, new CertificatesKind(), File(new CertificatesKind()));

        Assert.Equal(3_000, await CountAsync(fromJson));
        Assert.Equal(await TableDump.ReadAllAsync(dialect, withTouched: false), await TableDump.ReadAllAsync(fromJson, withTouched: false));
    }

    [Fact]
    public async Task AChangedRowIsUpdatedAndTheRestLeftAlone()
    {
        var file = File(new CertificatesKind());
        await ImportAsync(dialect, new CertificatesKind(), file);
        var before = await TableDump.ReadAsync(dialect, Tables.Certificates);
        var lines = System.IO.File.ReadAllLines(file, Encoding.UTF8);
        var changed = RecordReader.SplitCsv(lines[10], out _)!;
        changed[8] = "revoked";
        changed[9] = changed[1];
        changed[10] = "考核违规，撤销证书";
        lines[10] = string.Join(",", changed.Select(RecordReader.CsvField));
        var edited = Path.Combine(folder, "edited.csv");
        await System.IO.File.WriteAllLinesAsync(edited, lines);

        var result = await ImportAsync(dialect, new CertificatesKind(), edited);

        Assert.Equal((0L, 1L, 2_999L), (result.Inserted, result.Updated, result.Unchanged));
        var after = await TableDump.ReadAsync(dialect, Tables.Certificates);
        var differing = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.Single(differing);
        Assert.StartsWith(changed[0]!, differing[0].Second);
        Assert.Contains("| revoked |", differing[0].Second);
    }

    [Fact]
    public async Task AKilledImportLeavesWholeBatchesAndARerunReachesTheUninterruptedResult()
    {
        var folder2 = Path.Combine(folder, "big");
        DatasetWriter.Write(folder2, ImportFormat.Csv, seed: 11, organizations: 60, certificates: 150_000, new DateOnly(2026, 1, 1));
        foreach (var kind in new ImportKind[] { new OrganizationsKind(), new ScopesKind(), new StatusEventsKind() })
        {
            await ImportAsync(dialect, kind, Path.Combine(folder2, DatasetWriter.FileName(kind, ImportFormat.Csv)));
        }
        var certificates = Path.Combine(folder2, DatasetWriter.FileName(new CertificatesKind(), ImportFormat.Csv));
        // 1,500 batches print ~110 KB of progress lines, more than a pipe holds: the tool cannot run to the end
        // before the test has read its output, so the kill always lands midway however the machine schedules us.
        const int batch = 100;

        // Run the real tool and kill it (no chance to clean up) right after it reports its third committed batch.
        using (var tool = StartTool(provider, certificates, batch))
        {
            string? line;
            while ((line = await tool.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("batch 3:", StringComparison.Ordinal))
            {
            }
            Assert.False(tool.HasExited, "the import finished before it could be killed");
            // Redirected stderr is never read here: nothing is written to it unless the tool fails.
            tool.Kill(entireProcessTree: true);
            await tool.WaitForExitAsync();
        }
        var afterKill = await CountAsync(dialect);
        Assert.InRange(afterKill, 3 * batch, 150_000 - 1);
        Assert.Equal(0, afterKill % batch);

        using (var rerun = StartTool(provider, certificates, batch))
        {
            var output = rerun.StandardOutput.ReadToEndAsync();
            var errors = rerun.StandardError.ReadToEndAsync();
            await rerun.WaitForExitAsync();
            Assert.True(rerun.ExitCode == 0, await errors);
            Assert.Contains($"inserted={150_000 - afterKill} ", await output);
        }

        var other = new TProvider();
        extra.Add(other);
        var uninterrupted = await FreshDatabaseAsync(other);
        foreach (var kind in new ImportKind[] { new OrganizationsKind(), new ScopesKind(), new StatusEventsKind() })
        {
            await ImportAsync(uninterrupted, kind, File(kind)); // the registry InitializeAsync loaded
        }
        foreach (var kind in ImportKind.All)
        {
            await ImportAsync(uninterrupted, kind, Path.Combine(folder2, DatasetWriter.FileName(kind, ImportFormat.Csv)), batch);
        }
        Assert.Equal(150_000, await CountAsync(uninterrupted));
        // updated_at records when each run wrote a row, so it is the one column allowed to differ.
        Assert.Equal(await TableDump.ReadAllAsync(uninterrupted, withTouched: false), await TableDump.ReadAllAsync(dialect, withTouched: false));
    }

    private string File(ImportKind kind) => Path.Combine(folder, DatasetWriter.FileName(kind, ImportFormat.Csv));

    private static async Task<SqlDialect> FreshDatabaseAsync(IStoreProvider provider)
    {
        var dialect = await provider.CreateAsync();
        await new DapperStore(dialect, TimeProvider.System, 30).MigrateAsync();
        return dialect;
    }

    private static Task<ImportProgress> ImportAsync(SqlDialect dialect, ImportKind kind, string path, int batchSize = 500) =>
        new Importer(dialect, TimeProvider.System).RunAsync(kind, new ImportOptions(path, path + ".rejects.csv", ImportFormat.Csv, batchSize), new HolderHasher(Key));

    private static async Task<long> CountAsync(SqlDialect dialect)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM certificates");
    }

    private static Process StartTool(IStoreProvider provider, string file, int batchSize)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "skillverify.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { tool, "import", "certificates", file, "--batch-size", batchSize.ToString(CultureInfo.InvariantCulture), "--provider", provider.Name, "--connection", provider.ConnectionString },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Privacy__HashKey"] = Convert.ToBase64String(Key);
        return Process.Start(start)!;
    }
}

public sealed class SqliteImportTests : ImportTests<SqliteProvider>;

public sealed class PostgresImportTests : ImportTests<PostgresProvider>;
