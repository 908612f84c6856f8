using System.Globalization;
using System.Text;
using Dapper;
using MiniExcelLibs;
using SkillVerify.Data;
using SkillVerify.Data.Import;
using SkillVerify.Domain.Privacy;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Import;

/// <summary>
/// The files provincial bureaus have: GBK and GB18030 CSV as Excel/WPS save it on a Chinese Windows (CRLF), UTF-8 with a
/// BOM, XLSX workbooks; Chinese headers, optional columns left out, Excel's dates. Each file is built byte by byte here
/// and imported; every variant must load exactly the rows the plain UTF-8 file loads. Then the rules a row can break,
/// the rejects file, the CLI's exit codes and the hash-key fingerprint.
/// </summary>
public abstract partial class ImportTests<TProvider>
{
    /// <summary>The columns every variant below leaves out (all empty or default in the chosen rows).</summary>
    private static readonly string[] Omitted = ["work_type", "status", "revoked_on", "revocation_reason", "term_from", "term_to", "review_state"];

    [Fact]
    public async Task GbkGb18030Utf8BomCrlfAndXlsxFilesWithChineseHeadersLoadTheSameRows()
    {
        var kind = new CertificatesKind();
        var rows = PlainRows(30);
        var kept = kind.ColumnSpecs.Where(c => !Omitted.Contains(c.Name)).ToList();
        string?[] Pick(Dictionary<string, string?> row) => kept.Select(c => row[c.Name]).ToArray();

        // GBK, Chinese header, CRLF, dates as Excel writes them in a CSV (2023/3/1).
        var gbk = Path.Combine(folder, "证书-gbk.csv");
        var gbkLines = new List<string> { string.Join(",", kept.Select(c => c.NameZh)) };
        gbkLines.AddRange(rows.Select(r => string.Join(",", Pick(Set(r, ("issue_date", SlashDate(r["issue_date"]!)))).Select(RecordReader.CsvField))));
        await System.IO.File.WriteAllBytesAsync(gbk, Gbk.GetBytes(string.Join("\r\n", gbkLines) + "\r\n"));
        Assert.False(Utf8Valid(await System.IO.File.ReadAllBytesAsync(gbk)), "the GBK file must not also be valid UTF-8, or it tests nothing");

        var first = await ImportFileAsync(gbk);
        Assert.Equal((30L, 30L, 0L), (first.Read, first.Inserted, first.Rejected));
        Assert.Equal("GB18030 CSV", first.Source);

        // UTF-8 with a BOM and CRLF, English header in another order.
        var bom = Path.Combine(folder, "bom.csv");
        var reversed = kept.AsEnumerable().Reverse().ToList();
        var bomText = string.Join(",", reversed.Select(c => c.Name)) + "\r\n"
            + string.Concat(rows.Select(r => string.Join(",", reversed.Select(c => RecordReader.CsvField(r[c.Name]))) + "\r\n"));
        await System.IO.File.WriteAllBytesAsync(bom, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(bomText)]);

        // XLSX, Chinese header: issue dates as date cells, as Excel serial numbers and as text 2023/3/1, in turn.
        var xlsx = Path.Combine(folder, "证书.xlsx");
        MiniExcel.SaveAs(xlsx, rows.Select((r, i) => kept.ToDictionary(c => c.NameZh, c => c.Name == "issue_date" ? DateCell(r[c.Name]!, i) : (object?)r[c.Name])).ToList(),
            sheetName: "证书");

        // The generator's own file: UTF-8, LF, all 14 English columns.
        var plain = Path.Combine(folder, "plain.csv");
        await System.IO.File.WriteAllLinesAsync(plain, [string.Join(",", kind.Columns), .. rows.Select(r => string.Join(",", kind.Columns.Select(c => RecordReader.CsvField(r[c]))))]);

        foreach (var (path, source) in new[] { (bom, "UTF-8 CSV"), (xlsx, "XLSX sheet '证书'"), (plain, "UTF-8 CSV") })
        {
            var again = await ImportFileAsync(path);
            // Unchanged means every stored value (hashes, masks, dates) is the one the GBK file gave.
            Assert.Equal((path, 30L, 0L, 0L, 30L, 0L), (path, again.Read, again.Inserted, again.Updated, again.Unchanged, again.Rejected));
            Assert.Equal(source, again.Source);
        }

        // GB18030 beyond GBK: a name with a CJK Extension A character (four bytes in GB18030, absent from GBK).
        var gb18030 = Path.Combine(folder, "gb18030.csv");
        var renamed = rows[0]["holder_name"]![..1] + "㐀";
        var lines = new List<string> { string.Join(",", kept.Select(c => c.NameZh)) };
        lines.AddRange(rows.Select((r, i) => string.Join(",", Pick(i == 0 ? Set(r, ("holder_name", renamed)) : r).Select(RecordReader.CsvField))));
        var bytes = RecordSources.Gb18030.GetBytes(string.Join("\r\n", lines));
        Assert.Throws<EncoderFallbackException>(() => Gbk.GetBytes(renamed));
        await System.IO.File.WriteAllBytesAsync(gb18030, bytes);
        var changed = await ImportFileAsync(gb18030);
        Assert.Equal((1L, 29L, 0L), (changed.Updated, changed.Unchanged, changed.Rejected));
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync();
        var hash = await connection.ExecuteScalarAsync<byte[]>("SELECT name_hash FROM certificates WHERE code = @code", new { code = rows[0]["code"] });
        Assert.Equal(new HolderHasher(Key).HashName(renamed), hash);
    }

    [Fact]
    public async Task EveryErrorOfEveryRowIsInTheRejectsFileWithColumnMaskedValueAndBothLanguages()
    {
        var kind = new CertificatesKind();
        var rows = PlainRows(40);
        var good = rows[0];
        var numeric = rows.Skip(9).Where(r => "54321".Contains(r["code"]![15])).Take(2).ToList();
        var late = rows.Skip(20).First(r => string.CompareOrdinal(r["issue_date"], "2022-03-01") >= 0);
        var id = IdOf(rows);
        var cases = new List<(Dictionary<string, string?> Row, string[] Codes)>
        {
            // One row, three errors: all three reported.
            (Set(rows[1], ("id_number", id[..17] + Other(id[17])), ("obtained_by", "培训"), ("status", "revoked")),
                ["id_number.check_digit", "obtained_by.unknown", "revoked_on.required"]),
            (Set(rows[2], ("id_number", "4.40305E+17")), ["id_number.excel_scientific"]),
            (Set(rows[3], ("id_number", id[..15] + ".0")), ["id_number.excel_decimal"]),
            (Set(rows[4], ("id_number", id[..17])), ["id_number.length"]),
            (Set(rows[5], ("revoked_on", rows[5]["issue_date"])), ["revoked_on.not_revoked"]),
            // A social training and assessment organization (S) cannot issue X: the code rules are applied.
            (Set(late, ("code", "S" + late["code"]![1..15] + "X" + late["code"]![16..]), ("obtained_by", "转正定级考核")), ["code.issuer_level.not_allowed"]),
            (Set(rows[7], ("issue_date", "2023-02-30"), ("occupation_name", null)), ["field.date", "field.required"]),
            (Set(rows[8], ("status", "作废")), ["status.unknown"]),
            // The domain's rules (issue 12): how a level is obtained, and review state only for T/S.
            (Set(numeric[0], ("obtained_by", "评聘")), ["obtained_by.level"]),
            (Set(numeric[1], ("review_state", "pending")), ["review_state.level"]),
        };
        var path = Path.Combine(folder, "rules.csv");
        await System.IO.File.WriteAllLinesAsync(path, [
            string.Join(",", kind.Columns),
            .. new[] { good }.Concat(cases.Select(c => c.Row)).Select(r => string.Join(",", kind.Columns.Select(c => RecordReader.CsvField(r[c])))),
        ]);

        var result = await ImportFileAsync(path);

        Assert.Equal((11L, 1L, 10L), (result.Read, result.Inserted, result.Rejected));
        var rejects = ReadRejects(path);
        // Every rejected row is accounted for, each with exactly the errors it has.
        Assert.Equal(result.Rejected, rejects.Select(r => r.Line).Distinct().Count());
        for (var i = 0; i < cases.Count; i++)
        {
            var line = i + 3; // header, the good row
            Assert.Equal(cases[i].Codes.Order(), rejects.Where(r => r.Line == line).Select(r => r.Code)
                .Where(c => c is not ("issuer.unknown" or "code.issue_year.level_too_early")).Order());
        }
        Assert.All(rejects, r => Assert.True(r.Zh.Length > 0 && r.En.Length > 0 && r.Zh.Any(c => c >= 0x4E00)));
        var check = rejects.Single(r => r.Code == "id_number.check_digit");
        Assert.Equal(("id_number", HolderNormalization.MaskIdNumber(cases[0].Row["id_number"]!)), (check.Column, check.Value));
        var obtained = rejects.Single(r => r.Code == "obtained_by.unknown");
        Assert.Equal(("obtained_by", "培训"), (obtained.Column, obtained.Value));
        // No ID number or name in plaintext.
        var text = await System.IO.File.ReadAllTextAsync(path + ".rejects.csv");
        Assert.DoesNotContain(cases[0].Row["id_number"]!, text);
        Assert.All(rows, r => Assert.DoesNotContain("," + r["holder_name"] + ",", text));
    }

    [Fact]
    public async Task AnIdNumberStoredAsANumberInAWorkbookIsReportedAsExcelScientificNotation()
    {
        var kind = new CertificatesKind();
        var rows = PlainRows(20).Where(r => r["id_number"] is not null).Take(1).Concat(PlainRows(20).Where(r => r["id_number"] is null).Take(1)).ToList();
        var xlsx = Path.Combine(folder, "numbers.xlsx");
        var kept = kind.ColumnSpecs.Where(c => !Omitted.Contains(c.Name)).ToList();
        MiniExcel.SaveAs(xlsx, rows.Select((r, i) => kept.ToDictionary(c => c.NameZh,
            c => c.Name == "id_number" && i == 0 ? double.Parse(r[c.Name]!, CultureInfo.InvariantCulture) : c.Name == "issue_date" ? DateCell(r[c.Name]!, 0) : (object?)r[c.Name])).ToList());

        var result = await ImportFileAsync(xlsx);

        Assert.Equal(1, result.Rejected);
        var reject = Assert.Single(ReadRejects(xlsx));
        Assert.Equal((2L, "id_number", "id_number.excel_scientific"), (reject.Line, reject.Column, reject.Code));
    }

    [Fact]
    public async Task TheCliExitsZeroOneOrTwoAndRefusesAnotherHashKey()
    {
        var kind = new CertificatesKind();
        var rows = PlainRows(6);
        string Write(string name, IEnumerable<Dictionary<string, string?>> data, string? header = null)
        {
            var path = Path.Combine(folder, name);
            System.IO.File.WriteAllLines(path, [header ?? string.Join(",", kind.Columns), .. data.Select(r => string.Join(",", kind.Columns.Select(c => RecordReader.CsvField(r[c]))))]);
            return path;
        }
        var allGood = Write("good.csv", rows.Take(2));
        var some = Write("some.csv", [rows[2], Set(rows[3], ("obtained_by", "培训"))]);
        var none = Write("none.csv", [Set(rows[4], ("obtained_by", "培训")), Set(rows[5], ("issue_date", "soon"))]);
        var badHeader = Write("header.csv", [rows[4]], "编号,姓名");

        Assert.Equal(0, (await CliAsync(Key, allGood)).ExitCode);
        Assert.Equal(1, (await CliAsync(Key, some)).ExitCode);
        Assert.Equal(2, (await CliAsync(Key, none)).ExitCode);
        var header = await CliAsync(Key, badHeader);
        Assert.Equal(2, header.ExitCode);
        Assert.Contains("表头不符", header.Output);
        Assert.Contains("The header does not fit", header.Output);
        Assert.Contains("code（证书编号）", header.Output);

        // Another hash key: refused before a row is written, in the tool and in the library.
        var otherKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var refused = await CliAsync(otherKey, Write("later.csv", [rows[4]]));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("hashed with another key", refused.Output);
        Assert.Contains("另一个密钥", refused.Output);
        Assert.DoesNotContain("   at ", refused.Output);
        await Assert.ThrowsAsync<HashKeyMismatchException>(() => new Importer(dialect, TimeProvider.System).RunAsync(kind,
            new ImportOptions(allGood, allGood + ".rejects.csv", ImportFormat.Csv), new HolderHasher(otherKey)));
        Assert.Equal(3L, await CountAsync(dialect));

        // The service refuses it too, with the same sentence, instead of answering NOT_FOUND for every holder.
        var (serviceExit, serviceOutput) = await Tool.RunServiceAsync(new Dictionary<string, string>
        {
            ["Database__Provider"] = provider.Name,
            ["ConnectionStrings__SkillVerify"] = provider.ConnectionString,
            ["Privacy__HashKey"] = Convert.ToBase64String(otherKey),
        });
        Assert.Equal(2, serviceExit);
        Assert.Contains("hashed with another key", serviceOutput);
    }

    private Task<(int ExitCode, string Output)> CliAsync(byte[] key, string file) => Tool.RunAsync(Tool.Cli, new Dictionary<string, string>
    {
        ["Privacy__HashKey"] = Convert.ToBase64String(key),
    }, "import", "certificates", file, "--provider", provider.Name, "--connection", provider.ConnectionString);

    private Task<ImportProgress> ImportFileAsync(string path) => new Importer(dialect, TimeProvider.System).RunAsync(new CertificatesKind(),
        new ImportOptions(path, path + ".rejects.csv", RecordReader.FormatOf(path), 500), new HolderHasher(Key));

    /// <summary>Generated certificates with the omitted columns empty or default, as dictionaries by column name.</summary>
    private List<Dictionary<string, string?>> PlainRows(int count)
    {
        var kind = new CertificatesKind();
        return System.IO.File.ReadLines(File(kind)).Skip(1)
            .Select(l => RecordReader.SplitCsv(l, out _)!)
            .Select(f => kind.Columns.Select((c, i) => (c, f[i])).ToDictionary(x => x.c, x => x.Item2))
            .Where(r => r["work_type"] is null && r["status"] == "active" && r["term_from"] is null && r["review_state"] == "not_required")
            .Take(count)
            .Select(r => { r["status"] = null; r["review_state"] = null; return r; })
            .ToList();
    }

    /// <summary>A copy of the row with some values changed.</summary>
    private static Dictionary<string, string?> Set(Dictionary<string, string?> row, params (string Column, string? Value)[] changes)
    {
        var copy = new Dictionary<string, string?>(row);
        foreach (var (column, value) in changes)
        {
            copy[column] = value;
        }
        return copy;
    }

    private static string IdOf(List<Dictionary<string, string?>> rows) => rows.First(r => r["id_number"] is not null)["id_number"]!;

    private static char Other(char check) => check == '0' ? '1' : '0';

    private static string SlashDate(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("yyyy/M/d", CultureInfo.InvariantCulture);

    private static object DateCell(string iso, int i)
    {
        var date = DateOnly.ParseExact(iso, "yyyy-MM-dd");
        return (i % 3) switch
        {
            0 => date.ToDateTime(TimeOnly.MinValue),
            1 => (double)(date.DayNumber - ImportValues.ExcelEpoch.DayNumber),
            _ => SlashDate(iso),
        };
    }

    private static Encoding Gbk { get; } = CreateGbk();

    private static Encoding CreateGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    private static bool Utf8Valid(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private sealed record Reject(long Line, string Column, string Value, string Code, string Zh, string En);

    private static List<Reject> ReadRejects(string path) => System.IO.File.ReadAllLines(path + ".rejects.csv").Skip(1)
        .Select(l => RecordReader.SplitCsv(l, out _)!)
        .Select(f => new Reject(long.Parse(f[0]!, CultureInfo.InvariantCulture), f[1] ?? "", f[2] ?? "", f[3]!, f[4]!, f[5]!))
        .ToList();
}
