using System.Globalization;
using MiniExcelLibs;

namespace SkillVerify.Data.Import;

/// <summary>
/// Reads the first sheet of a workbook (or the one named) with MiniExcel, streaming: the first non-empty row is the
/// header (see <see cref="HeaderMatch"/>), each later row a record numbered as Excel numbers it. Cells become text as
/// a CSV export would write them, except that date cells become yyyy-MM-dd and numbers keep all their digits (an
/// ID number stored as a number still shows as scientific notation, which the import reports for what it is).
/// </summary>
public sealed class XlsxRecordReader : IRecordSource
{
    private readonly FileStream stream;
    private readonly IReadOnlyList<ImportColumn> columns;
    private readonly string sheet;
    private IEnumerator<IDictionary<string, object?>>? rows;
    private (string Letter, int Column)[]? map;
    private long row;

    public XlsxRecordReader(string path, IReadOnlyList<ImportColumn> columns, string? sheetName)
    {
        this.columns = columns;
        List<string> sheets;
        try
        {
            sheets = MiniExcel.GetSheetNames(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException)
        {
            throw new ImportFileException($"无法把文件读作 .xlsx 工作簿（{e.GetType().Name}）：请用 Excel 或 WPS 打开后另存为 .xlsx。",
                $"The file cannot be read as an .xlsx workbook ({e.GetType().Name}): open it in Excel or WPS and save it as .xlsx again.");
        }
        if (sheets.Count == 0)
        {
            throw new ImportFileException("工作簿里没有工作表。", "The workbook has no sheet.");
        }
        if (sheetName is not null && !sheets.Contains(sheetName))
        {
            throw new ImportFileException($"工作簿里没有名为“{sheetName}”的工作表；有：{string.Join("、", sheets)}。",
                $"The workbook has no sheet named '{sheetName}'; it has: {string.Join(", ", sheets)}.");
        }
        sheet = sheetName ?? sheets[0];
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Length = stream.Length;
    }

    public long Length { get; }

    /// <summary>How far the zip stream has been read: close enough for a progress bar.</summary>
    public long Position => Math.Min(stream.Position, Length);

    public string Description => $"XLSX sheet '{sheet}'";

    public void ReadHeader()
    {
        rows = MiniExcel.Query(stream, useHeaderRow: false, sheetName: sheet).Cast<IDictionary<string, object?>>().GetEnumerator();
        while (rows.MoveNext())
        {
            row++;
            var cells = rows.Current;
            if (cells.Values.All(v => v is null || Text(v) is null))
            {
                continue;
            }
            var letters = cells.Keys.ToList();
            var header = letters.Select(l => Text(cells[l])).ToList();
            var positions = HeaderMatch.Map(header, columns);
            map = positions.Select((c, i) => (letters[i], c)).Where(p => p.c >= 0).ToArray();
            return;
        }
        throw new ImportFileException($"工作表“{sheet}”是空的：第一行必须是表头。", $"The sheet '{sheet}' is empty; its first row must be the header.");
    }

    public bool TryRead(out RawRecord record)
    {
        var header = map ?? throw new InvalidOperationException("ReadHeader first.");
        while (rows!.MoveNext())
        {
            row++;
            var cells = rows.Current;
            var fields = new string?[columns.Count];
            var any = false;
            foreach (var (letter, column) in header)
            {
                if (cells.TryGetValue(letter, out var value) && Text(value) is { } text)
                {
                    fields[column] = text;
                    any = true;
                }
            }
            if (!any)
            {
                continue; // a blank row
            }
            record = new RawRecord(row, fields, null, null);
            return true;
        }
        record = default;
        return false;
    }

    /// <summary>A cell as text: dates as yyyy-MM-dd, numbers with every digit (round-trip form), empty as null.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        double n => n.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public void Dispose()
    {
        rows?.Dispose();
        stream.Dispose();
    }
}
