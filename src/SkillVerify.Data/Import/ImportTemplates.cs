using System.Text;
using MiniExcelLibs;

namespace SkillVerify.Data.Import;

/// <summary>
/// The empty import files an operator starts from (<c>skillverify template</c>): each kind as CSV (UTF-8 with a BOM,
/// which Excel and WPS open without garbling the Chinese) and as XLSX (every cell text, so ID numbers keep their
/// digits), with the header row and one example row.
/// </summary>
public static class ImportTemplates
{
    /// <summary>Writes <c>KIND.csv</c> and <c>KIND.xlsx</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ImportKind kind, string directory, bool chineseHeaders = true)
    {
        var headers = kind.ColumnSpecs.Select(c => chineseHeaders ? c.NameZh : c.Name).ToList();
        var example = kind.ColumnSpecs.Select(c => kind.Example.TryGetValue(c.Name, out var v) ? v : "").ToList();
        var csv = Path.Combine(directory, kind.Name + ".csv");
        File.WriteAllText(csv, string.Join(",", headers.Select(RecordReader.CsvField)) + "\r\n" + string.Join(",", example.Select(RecordReader.CsvField)) + "\r\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var xlsx = Path.Combine(directory, kind.Name + ".xlsx");
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < headers.Count; i++)
        {
            row[headers[i]] = example[i];
        }
        MiniExcel.SaveAs(xlsx, new[] { row }, sheetName: kind.Name, overwriteFile: true);
        return [csv, xlsx];
    }
}
