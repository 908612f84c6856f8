using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace SkillVerify.Api.Pages;

/// <summary>One row of an uploaded spreadsheet: its row number in the file, and its two cells as given.</summary>
public sealed record UploadedRow(int RowNumber, string? Code, string? Name);

/// <summary>One row's answer, in the order given: a verification, or why the row was not checked.</summary>
public sealed record CheckedRow(int RowNumber, string? Code, VerificationResponseView? Answer, string? ErrorZh, string? ErrorEn, string? ErrorCode);

/// <summary>The parts of an answer a results table shows.</summary>
public sealed record VerificationResponseView(string Outcome, string? HolderMasked, string? Level, string ReasonZh, string ReasonEn, CertificateStanding? Standing);

/// <summary>
/// Spreadsheets in and out with MiniExcel: CSV (UTF-8, or GB18030 as Excel saves it on Chinese Windows) or XLSX with a
/// header row naming the code and name columns in Chinese or English; results as XLSX and CSV in the order given.
/// </summary>
public static class Spreadsheet
{
    /// <summary>The most data rows one upload may hold (documented in docs/pages.md).</summary>
    public const int MaxRows = 100;

    /// <summary>The largest file accepted.</summary>
    public const int MaxBytes = 512 * 1024;

    private static readonly string[] CodeHeaders = ["证书编号", "证书号", "证书号码", "编号", "code", "certificatecode", "certificate", "certificateno", "certificatenumber"];
    private static readonly string[] NameHeaders = ["姓名", "持证人姓名", "持证人", "name", "holdername", "holder"];

    public sealed class FormatException(string zh, string en) : Exception(en)
    {
        public string Zh { get; } = zh;
        public string En { get; } = en;
    }

    /// <summary>The data rows (blank rows left out), or a <see cref="FormatException"/> saying what is wrong with the file.</summary>
    public static List<UploadedRow> Read(byte[] file)
    {
        var xlsx = file.Length >= 4 && file[0] == 'P' && file[1] == 'K' && file[2] == 3 && file[3] == 4;
        using var stream = new MemoryStream(xlsx ? file : Utf8(file));
        List<IDictionary<string, object?>> rows;
        try
        {
            rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: xlsx ? ExcelType.XLSX : ExcelType.CSV)
                .Cast<IDictionary<string, object?>>()
                .Take(MaxRows + 50)
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not FormatException)
        {
            throw new FormatException("无法读取该文件：请上传 CSV 或 XLSX 表格。", "The file cannot be read: upload a CSV or XLSX spreadsheet.");
        }
        var headerIndex = rows.FindIndex(r => r.Values.Any(v => !string.IsNullOrWhiteSpace(Cell(v))));
        if (headerIndex < 0)
        {
            throw new FormatException("文件是空的。", "The file is empty.");
        }
        var header = rows[headerIndex];
        string? codeColumn = null, nameColumn = null;
        foreach (var (column, value) in header)
        {
            var h = Normalize(Cell(value));
            codeColumn ??= CodeHeaders.Contains(h) ? column : null;
            nameColumn ??= NameHeaders.Contains(h) ? column : null;
        }
        if (codeColumn is null || nameColumn is null)
        {
            throw new FormatException("第一行应为表头，含“证书编号”和“姓名”两列（也可用英文 code 和 name）。",
                "The first row must be a header with the columns 证书编号 and 姓名 (or code and name).");
        }
        var data = new List<UploadedRow>();
        for (var i = headerIndex + 1; i < rows.Count; i++)
        {
            var code = Cell(rows[i].TryGetValue(codeColumn, out var c) ? c : null)?.Trim();
            var name = Cell(rows[i].TryGetValue(nameColumn, out var n) ? n : null)?.Trim();
            if (string.IsNullOrEmpty(code) && string.IsNullOrEmpty(name))
            {
                continue;
            }
            data.Add(new UploadedRow(i + 1, string.IsNullOrEmpty(code) ? null : code, string.IsNullOrEmpty(name) ? null : name));
        }
        if (data.Count == 0)
        {
            throw new FormatException("表头下面没有数据行。", "There are no data rows below the header.");
        }
        if (data.Count > MaxRows || rows.Count > MaxRows + 49)
        {
            throw new FormatException($"一次最多核验 {MaxRows} 行，请分成几个文件上传。", $"At most {MaxRows} rows per upload: split the file.");
        }
        return data;
    }

    private static string? Cell(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Normalize(string? header) =>
        new((header ?? "").Where(ch => !char.IsWhiteSpace(ch) && ch is not '\uFEFF' and not '_' and not '-' and not '（' and not '）' and not '(' and not ')').Select(char.ToLowerInvariant).ToArray());

    private static byte[] Utf8(byte[] file)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(file);
            return file;
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.UTF8.GetBytes(Encoding.GetEncoding("GB18030").GetString(file));
        }
    }

    /// <summary>The rows of a results file, from a genuine receipt's items: one per uploaded row, in order.</summary>
    public static List<Dictionary<string, object?>> ResultRows(Ui ui, IReadOnlyList<ReportItem> items) =>
        items.Select(i => new Dictionary<string, object?>
        {
            [ui.T("行号", "Row")] = i.Row,
            [ui.T("证书编号", "Certificate code")] = i.Code ?? "",
            [ui.T("结果", "Outcome")] = i.Error is null ? ui.OutcomeWord(i.Outcome) : ui.T("未核验", "Not checked"),
            [ui.T("结果代码", "Outcome code")] = i.Error ?? i.Outcome,
            [ui.T("说明", "Explanation")] = (ui.En ? i.ReasonEn : i.ReasonZh) ?? "",
            [ui.T("等级", "Level")] = i.Level is { Length: 1 } l && SkillVerify.Domain.Reference.ReferenceData.FindLevel(l[0]) is { } level ? (ui.En ? level.NameEn : level.Name) : "",
            [ui.T("称号状态", "Standing")] = i.Standing switch
            {
                "current" => ui.T("现行", "current"),
                "historical" => ui.T("历史称号", "historical"),
                "not_yet_in_force" => ui.T("尚未生效", "not yet in force"),
                _ => "",
            },
            [ui.T("姓名已比对", "Name compared")] = i.HolderCompared ? ui.T("是", "yes") : ui.T("否", "no"),
        }).ToList();

    public static byte[] Xlsx(Ui ui, IReadOnlyList<ReportItem> items, string receipt)
    {
        using var stream = new MemoryStream();
        var sheets = new Dictionary<string, object>
        {
            [ui.T("核验结果", "Results")] = ResultRows(ui, items),
            [ui.T("签名回执", "Receipt")] = new List<Dictionary<string, object?>> { new() { [ui.T("签名回执", "Signed receipt")] = receipt } },
        };
        stream.SaveAs(sheets, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>UTF-8 with a byte-order mark (so Excel opens it right); the signed receipt on a last line of its own.</summary>
    public static byte[] Csv(Ui ui, IReadOnlyList<ReportItem> items, string receipt)
    {
        using var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.Preamble);
        stream.SaveAs(ResultRows(ui, items), excelType: ExcelType.CSV);
        var trailer = Encoding.UTF8.GetBytes($"{ui.T("签名回执", "Signed receipt")},{receipt}\n");
        stream.Write(trailer);
        return stream.ToArray();
    }
}
