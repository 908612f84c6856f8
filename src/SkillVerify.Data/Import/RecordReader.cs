using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace SkillVerify.Data.Import;

public enum ImportFormat
{
    Csv,
    JsonLines,
}

/// <summary>One input line cut into the kind's columns, or why it could not be.</summary>
public readonly record struct RawRecord(long Line, string?[]? Fields, string? ErrorCode, string? Error);

/// <summary>
/// Reads an import file one record per line: UTF-8 (a BOM is allowed), CSV with a header row (RFC 4180
/// quoting, no line breaks inside fields) or JSON Lines (one object per line). A line that is not valid
/// UTF-8 or does not fit the columns becomes an error record; the reader carries on with the next line.
/// </summary>
public sealed class RecordReader : IDisposable
{
    private readonly Stream stream;
    private readonly ImportFormat format;
    private readonly IReadOnlyList<string> columns;
    private readonly Dictionary<string, int> columnIndex;
    private byte[] buffer = new byte[1 << 20];
    private int start, end;
    private bool eof;
    private int[]? csvMap;
    private char[] chars = new char[1024];
    private string?[]? scratch;

    public RecordReader(string path, ImportFormat format, IReadOnlyList<string> columns)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Length = stream.Length;
        this.format = format;
        this.columns = columns;
        columnIndex = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    public long Length { get; }

    public long Position => stream.Position - (end - start);

    public long LineNumber { get; private set; }

    public static ImportFormat FormatOf(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".jsonl" or ".ndjson" or ".json" ? ImportFormat.JsonLines : ImportFormat.Csv;

    /// <summary>
    /// CSV only: reads and checks the header row (every column named exactly once, in any order).
    /// Throws <see cref="InvalidDataException"/> with the expected header when it does not match.
    /// </summary>
    public void ReadHeader()
    {
        if (format != ImportFormat.Csv)
        {
            return;
        }
        if (!TryReadLine(out var line))
        {
            throw new InvalidDataException($"The file is empty; the first line must be the header: {string.Join(",", columns)}");
        }
        var bytes = line.StartsWith("\uFEFF"u8) ? line[3..] : line;
        var text = Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : "";
        var names = SplitCsv(text, out _)?.Select(n => n?.Trim() ?? "").ToArray() ?? [];
        var map = names.Select(n => columnIndex.TryGetValue(n, out var i) ? i : -1).ToArray();
        if (map.Contains(-1) || map.Distinct().Count() != columns.Count || names.Length != columns.Count)
        {
            throw new InvalidDataException(
                $"The header does not match. Expected the columns {string.Join(",", columns)} (any order); found {string.Join(",", names)}.");
        }
        csvMap = map;
    }

    /// <summary>The next record, or false at the end of the file. Blank lines are skipped.</summary>
    public bool TryRead(out RawRecord record)
    {
        while (TryReadLine(out var line))
        {
            if (LineNumber == 1 && line.StartsWith("\uFEFF"u8))
            {
                line = line[3..];
            }
            if (line.IsEmpty || line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }
            if (!Utf8.IsValid(line))
            {
                record = new RawRecord(LineNumber, null, "utf8.invalid", "the line is not valid UTF-8");
                return true;
            }
            record = format == ImportFormat.Csv ? ParseCsv(line) : ParseJson(line);
            return true;
        }
        record = default;
        return false;
    }

    private RawRecord ParseCsv(ReadOnlySpan<byte> line)
    {
        var map = csvMap ?? throw new InvalidOperationException("ReadHeader first.");
        // Decoded into a reused buffer and cut in place: only the field values become strings.
        if (chars.Length < line.Length)
        {
            chars = new char[Math.Max(line.Length, chars.Length * 2)];
        }
        var text = chars.AsSpan(0, Encoding.UTF8.GetChars(line, chars));
        var values = scratch ??= new string?[columns.Count];
        var count = SplitCsv(text, values, out var error);
        if (error is not null)
        {
            return new RawRecord(LineNumber, null, "csv.quotes", error);
        }
        if (count != columns.Count)
        {
            return new RawRecord(LineNumber, null, "columns.count", $"{count} fields, expected {columns.Count}");
        }
        var fields = new string?[columns.Count];
        for (var i = 0; i < count; i++)
        {
            fields[map[i]] = values[i];
        }
        return new RawRecord(LineNumber, fields, null, null);
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
                    return new RawRecord(LineNumber, null, "columns.unknown", $"unknown field '{name}'; the fields are {string.Join(",", columns)}");
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

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    public void Dispose() => stream.Dispose();
}
