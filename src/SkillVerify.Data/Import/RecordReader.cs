using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace SkillVerify.Data.Import;

public enum ImportFormat
{
    Csv,
    JsonLines,
    Xlsx,
}

/// <summary>One input line cut into the kind's columns, or why it could not be.</summary>
public readonly record struct RawRecord(long Line, string?[]? Fields, string? ErrorCode, string? Error, string? ErrorZh = null);

/// <summary>A file the import cannot read at all (its header, its encoding, its sheet), in Chinese and English.</summary>
public sealed class ImportFileException(string messageZh, string messageEn) : IOException(messageEn)
{
    public string MessageZh { get; } = messageZh;
}

/// <summary>Where an import's records come from: a CSV or JSON Lines file (<see cref="RecordReader"/>) or a workbook (<see cref="XlsxRecordReader"/>).</summary>
public interface IRecordSource : IDisposable
{
    /// <summary>The file's size in bytes, and how far the reading has come (for the progress bar).</summary>
    long Length { get; }

    long Position { get; }

    /// <summary>What the file was read as: UTF-8, GB18030, or the sheet of a workbook.</summary>
    string Description { get; }

    /// <summary>Reads and checks the header (CSV, XLSX); throws <see cref="ImportFileException"/> when it does not fit.</summary>
    void ReadHeader();

    bool TryRead(out RawRecord record);
}

public static class RecordSources
{
    /// <summary>Opens the file in its format; <paramref name="encoding"/> (CSV/JSON Lines) null = detect, <paramref name="sheet"/> (XLSX) null = the first.</summary>
    public static IRecordSource Open(string path, ImportFormat format, IReadOnlyList<ImportColumn> columns, Encoding? encoding = null, string? sheet = null) =>
        format == ImportFormat.Xlsx ? new XlsxRecordReader(path, columns, sheet) : new RecordReader(path, format, columns, encoding);

    /// <summary>utf-8 | gb18030 | gbk (read as GB18030, which contains it); null for anything else.</summary>
    public static Encoding? EncodingByName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
        "gb18030" or "gbk" or "gb2312" or "cp936" => Gb18030,
        _ => null,
    };

    /// <summary>GB18030 (a superset of GBK and GB2312) from the framework's code pages, failing on bytes it cannot decode.</summary>
    public static Encoding Gb18030 { get; } = CreateGb18030();

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}

/// <summary>
/// A header row matched to a kind's columns: English or Chinese names (<see cref="ImportColumn.Aliases"/>), any order,
/// optional columns may be left out. Unknown and repeated names are refused (a misspelt optional column would
/// otherwise be dropped without a word), and so are missing required ones.
/// </summary>
public static class HeaderMatch
{
    /// <summary>For each header position, the kind's column index.</summary>
    public static int[] Map(IReadOnlyList<string?> header, IReadOnlyList<ImportColumn> columns)
    {
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            byName[Clean(columns[i].Name)] = i;
            byName[Clean(columns[i].NameZh)] = i;
            foreach (var alias in columns[i].Aliases)
            {
                byName[Clean(alias)] = i;
            }
        }
        // Trailing empty header cells (Excel leaves them) are not columns.
        var count = header.Count;
        while (count > 0 && string.IsNullOrWhiteSpace(header[count - 1]))
        {
            count--;
        }
        var map = new int[count];
        var unknown = new List<string>();
        var repeated = new List<string>();
        var seen = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var name = Clean(header[i] ?? "");
            if (!byName.TryGetValue(name, out var index))
            {
                unknown.Add(name.Length == 0 ? $"(第{i + 1}列为空 / column {i + 1} is empty)" : name);
                map[i] = -1;
            }
            else if (!seen.Add(index))
            {
                repeated.Add(name);
                map[i] = -1;
            }
            else
            {
                map[i] = index;
            }
        }
        var missing = columns.Where((c, i) => c.Required && !seen.Contains(i)).Select(c => $"{c.Name}（{c.NameZh}）").ToList();
        if (unknown.Count > 0 || repeated.Count > 0 || missing.Count > 0)
        {
            var zh = new List<string>();
            var en = new List<string>();
            if (missing.Count > 0)
            {
                zh.Add($"缺少必填列 {string.Join("、", missing)}");
                en.Add($"the required column(s) {string.Join(", ", missing)} are missing");
            }
            if (unknown.Count > 0)
            {
                zh.Add($"不认识的列 {string.Join("、", unknown)}");
                en.Add($"unknown column(s) {string.Join(", ", unknown)}");
            }
            if (repeated.Count > 0)
            {
                zh.Add($"重复的列 {string.Join("、", repeated)}");
                en.Add($"repeated column(s) {string.Join(", ", repeated)}");
            }
            var expected = string.Join(",", columns.Select(c => c.Required ? c.Name : $"[{c.Name}]"));
            throw new ImportFileException($"表头不符：{string.Join("；", zh)}。可用的列（中文或英文列名均可，顺序不限，方括号内的可省略）：{expected}。",
                $"The header does not fit: {string.Join("; ", en)}. The columns (Chinese or English names, any order, those in brackets may be left out) are: {expected}.");
        }
        return map;
    }

    /// <summary>Header names as people type them: a BOM, spaces, zero-width characters, full-width letters, a "*" marking required columns.</summary>
    private static string Clean(string name)
    {
        var text = name.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '*' || char.IsControl(c))
            {
                continue;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}

/// <summary>
/// Reads an import file one record per line: UTF-8 (a BOM is allowed) or GB18030/GBK (detected from the first
/// megabyte, or as told), CSV with a header row (RFC 4180 quoting, no line breaks inside fields) or JSON Lines
/// (one object per line). A line that cannot be decoded or does not fit the columns becomes an error record;
/// the reader carries on with the next line.
/// </summary>
public sealed class RecordReader : IRecordSource
{
    private readonly Stream stream;
    private readonly ImportFormat format;
    private readonly IReadOnlyList<ImportColumn> columns;
    private readonly Dictionary<string, int> columnIndex;
    private byte[] buffer = new byte[1 << 20];
    private int start, end;
    private bool eof;
    private int[]? csvMap;
    private char[] chars = new char[1024];
    private string?[]? scratch;
    private Encoding? encoding;
    private bool detected;

    public RecordReader(string path, ImportFormat format, IReadOnlyList<ImportColumn> columns, Encoding? encoding = null)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Length = stream.Length;
        this.format = format;
        this.columns = columns;
        this.encoding = encoding;
        columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            columnIndex[columns[i].Name] = i;
            columnIndex.TryAdd(columns[i].NameZh, i);
            foreach (var alias in columns[i].Aliases)
            {
                columnIndex.TryAdd(alias, i);
            }
        }
    }

    /// <summary>A reader over the kind's English column names only (tests, tools).</summary>
    public RecordReader(string path, ImportFormat format, IReadOnlyList<string> columns)
        : this(path, format, columns.Select(c => new ImportColumn(c, c, false)).ToList())
    {
    }

    public long Length { get; }

    public long Position => stream.Position - (end - start);

    public long LineNumber { get; private set; }

    /// <summary>The encoding the file is read in (detected unless given).</summary>
    public string Description => (IsGb18030 ? "GB18030" : "UTF-8") + (format == ImportFormat.Csv ? " CSV" : " JSON Lines");

    private bool IsGb18030 => encoding is { CodePage: 54936 };

    public static ImportFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" or ".json" => ImportFormat.JsonLines,
        ".xlsx" or ".xlsm" => ImportFormat.Xlsx,
        ".xls" or ".et" => throw new ImportFileException("这是旧的 .xls 格式：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入。",
            "This is the old .xls format: save it as .xlsx or as CSV (UTF-8) in Excel or WPS, then import that."),
        _ => ImportFormat.Csv,
    };

    /// <summary>
    /// Picks the encoding from the first megabyte: a UTF-8 BOM or valid UTF-8 is UTF-8; otherwise GB18030 when it
    /// decodes as such (what Excel and WPS save as "CSV" on a Chinese Windows). UTF-16 is refused with what to do.
    /// </summary>
    private void DetectEncoding()
    {
        if (detected)
        {
            return;
        }
        detected = true;
        while (!eof && end < buffer.Length)
        {
            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                eof = true;
            }
            end += read;
        }
        var head = buffer.AsSpan(0, end);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new ImportFileException("文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。",
                "The file is UTF-16 (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\" or as .xlsx, then import that.");
        }
        if (head.StartsWith("\uFEFF"u8))
        {
            start = 3;
            encoding ??= Encoding.UTF8;
            return;
        }
        if (encoding is not null)
        {
            return;
        }
        // Whole lines only: the megabyte may end in the middle of a character.
        var whole = eof ? head : head[..(head.LastIndexOf((byte)'\n') + 1)];
        if (Utf8.IsValid(whole))
        {
            encoding = Encoding.UTF8;
            return;
        }
        try
        {
            RecordSources.Gb18030.GetCharCount(whole);
            encoding = RecordSources.Gb18030;
        }
        catch (DecoderFallbackException)
        {
            encoding = Encoding.UTF8; // neither: the lines that are not UTF-8 are rejected one by one
        }
    }

    /// <summary>
    /// CSV only: reads and checks the header row (see <see cref="HeaderMatch"/>).
    /// Throws <see cref="ImportFileException"/> with the expected columns when it does not match.
    /// </summary>
    public void ReadHeader()
    {
        DetectEncoding();
        if (format != ImportFormat.Csv)
        {
            return;
        }
        if (!TryReadLine(out var line))
        {
            throw new ImportFileException($"文件是空的：第一行必须是表头，例如 {string.Join(",", columns.Select(c => c.Name))}。",
                $"The file is empty; the first line must be the header, e.g. {string.Join(",", columns.Select(c => c.Name))}.");
        }
        string text;
        try
        {
            text = IsGb18030 ? RecordSources.Gb18030.GetString(line) : new UTF8Encoding(false, true).GetString(line);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportFileException("表头不是有效的 UTF-8 文本：文件若是 GBK/GB18030 编码，请加 --encoding gb18030。",
                "The header is not valid UTF-8: if the file is GBK/GB18030, pass --encoding gb18030.");
        }
        var names = SplitCsv(text, out _) ?? [];
        csvMap = HeaderMatch.Map(names, columns);
    }

    /// <summary>The next record, or false at the end of the file. Blank lines are skipped.</summary>
    public bool TryRead(out RawRecord record)
    {
        while (TryReadLine(out var line))
        {
            if (line.IsEmpty || line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }
            if (IsGb18030)
            {
                record = format == ImportFormat.Csv ? ParseCsv(line) : ParseJson(Encoding.UTF8.GetBytes(DecodeGb18030(line, out var failed) ?? ""), failed);
                return true;
            }
            if (!Utf8.IsValid(line))
            {
                record = new RawRecord(LineNumber, null, "utf8.invalid",
                    "the line is not valid UTF-8 (if the file is GBK/GB18030, pass --encoding gb18030)",
                    "该行不是有效的 UTF-8 文本（文件若是 GBK/GB18030 编码，请加 --encoding gb18030）");
                return true;
            }
            record = format == ImportFormat.Csv ? ParseCsv(line) : ParseJson(line);
            return true;
        }
        record = default;
        return false;
    }

    private static string? DecodeGb18030(ReadOnlySpan<byte> line, out bool failed)
    {
        try
        {
            failed = false;
            return RecordSources.Gb18030.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            failed = true;
            return null;
        }
    }

    private static RawRecord NotGb18030(long line) => new(line, null, "gb18030.invalid",
        "the line holds bytes that are not GB18030/GBK text (if the file is UTF-8, pass --encoding utf-8)",
        "该行含有不是 GB18030/GBK 文本的字节（文件若是 UTF-8 编码，请加 --encoding utf-8）");

    private RawRecord ParseCsv(ReadOnlySpan<byte> line)
    {
        var map = csvMap ?? throw new InvalidOperationException("ReadHeader first.");
        // Decoded into a reused buffer and cut in place: only the field values become strings.
        if (chars.Length < line.Length)
        {
            chars = new char[Math.Max(line.Length, chars.Length * 2)];
        }
        int decoded;
        if (IsGb18030)
        {
            try
            {
                decoded = RecordSources.Gb18030.GetChars(line, chars);
            }
            catch (DecoderFallbackException)
            {
                return NotGb18030(LineNumber);
            }
        }
        else
        {
            decoded = Encoding.UTF8.GetChars(line, chars);
        }
        var text = chars.AsSpan(0, decoded);
        var values = scratch ??= new string?[Math.Max(map.Length, columns.Count) + 8];
        var count = SplitCsv(text, values, out var error);
        if (error is not null)
        {
            return new RawRecord(LineNumber, null, "csv.quotes", error, error == "a quoted field is not closed" ? "引号没有闭合" : "右引号后还有文字");
        }
        // Excel may leave empty cells past the header's last column: those are not fields.
        var extra = count > map.Length && count <= values.Length && AllNull(values.AsSpan(map.Length, count - map.Length));
        if (count != map.Length && !extra)
        {
            return new RawRecord(LineNumber, null, "columns.count", $"{count} fields, expected {map.Length} (as in the header)", $"该行有 {count} 个字段，表头有 {map.Length} 列");
        }
        var fields = new string?[columns.Count];
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] >= 0)
            {
                fields[map[i]] = values[i];
            }
        }
        return new RawRecord(LineNumber, fields, null, null);
    }

    private RawRecord ParseJson(ReadOnlySpan<byte> line, bool undecodable)
    {
        return undecodable ? NotGb18030(LineNumber) : ParseJson(line);
    }

    private RawRecord ParseJson(ReadOnlySpan<byte> line)
    {
        var fields = new string?[columns.Count];
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new RawRecord(LineNumber, null, "json.object", "the line is not a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (!columnIndex.TryGetValue(name, out var index))
                {
                    return new RawRecord(LineNumber, null, "columns.unknown", $"unknown field '{name}'; the fields are {string.Join(",", columns.Select(c => c.Name))}",
                        $"不认识的字段“{name}”");
                }
                fields[index] = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Encoding.UTF8.GetString(reader.ValueSpan),
                    _ => throw new JsonException($"field '{name}' must be a string, a number or null"),
                };
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return new RawRecord(LineNumber, null, "json.object", "the line holds more than one JSON object");
            }
        }
        catch (JsonException e)
        {
            return new RawRecord(LineNumber, null, "json.syntax", e.Message);
        }
        return new RawRecord(LineNumber, fields, null, null);
    }

    /// <summary>RFC 4180 fields of one line; empty fields are null. Null with an error for broken quoting.</summary>
    public static List<string?>? SplitCsv(string line, out string? error)
    {
        var fields = new List<string?>(16);
        var buffer = new string?[16];
        int count;
        while ((count = SplitCsv(line, buffer, out error)) > buffer.Length && error is null)
        {
            buffer = new string?[count];
        }
        if (error is not null)
        {
            return null;
        }
        fields.AddRange(buffer.AsSpan(0, count));
        return fields;
    }

    /// <summary>
    /// RFC 4180 fields of one line into <paramref name="fields"/>; empty fields are null. Returns how many fields
    /// the line has (those past the array's length are counted, not kept), or sets <paramref name="error"/> for broken quoting.
    /// </summary>
    public static int SplitCsv(ReadOnlySpan<char> line, string?[] fields, out string? error)
    {
        error = null;
        var count = 0;
        var i = 0;
        StringBuilder? builder = null;
        while (true)
        {
            string? value;
            if (i < line.Length && line[i] == '"')
            {
                builder ??= new StringBuilder();
                builder.Clear();
                i++;
                while (true)
                {
                    var q = line[i..].IndexOf('"');
                    if (q < 0)
                    {
                        error = "a quoted field is not closed";
                        return count;
                    }
                    q += i;
                    builder.Append(line[i..q]);
                    if (q + 1 < line.Length && line[q + 1] == '"')
                    {
                        builder.Append('"');
                        i = q + 2;
                        continue;
                    }
                    i = q + 1;
                    break;
                }
                if (i < line.Length && line[i] != ',')
                {
                    error = "text after a closing quote";
                    return count;
                }
                value = builder.Length == 0 ? null : builder.ToString();
            }
            else
            {
                var comma = line[i..].IndexOf(',');
                var field = comma < 0 ? line[i..] : line.Slice(i, comma);
                value = field.Length == 0 ? null : new string(field);
                i = comma < 0 ? line.Length : i + comma;
            }
            if (count < fields.Length)
            {
                fields[count] = value;
            }
            count++;
            if (i >= line.Length)
            {
                return count;
            }
            i++; // the comma
            if (i == line.Length)
            {
                if (count < fields.Length)
                {
                    fields[count] = null;
                }
                return count + 1;
            }
        }
    }

    /// <summary>Quotes a CSV field when it needs it.</summary>
    public static string CsvField(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    private bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCr(buffer.AsSpan(start, newline));
                start += newline + 1;
                LineNumber++;
                return true;
            }
            if (eof)
            {
                if (start < end)
                {
                    line = TrimCr(buffer.AsSpan(start, end - start));
                    start = end;
                    LineNumber++;
                    return true;
                }
                line = default;
                return false;
            }
            // Keep the partial line, make room and read more.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                eof = true;
            }
            end += read;
        }
    }

    private static bool AllNull(ReadOnlySpan<string?> values)
    {
        foreach (var v in values)
        {
            if (v is not null)
            {
                return false;
            }
        }
        return true;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    public void Dispose() => stream.Dispose();
}
