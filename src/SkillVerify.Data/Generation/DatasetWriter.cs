using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SkillVerify.Data.Import;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data.Generation;

/// <summary>
/// Writes a <see cref="SyntheticData"/> dataset as the import formats: organizations, scopes, status-events and
/// certificates files in one folder. Certificates are streamed, so millions never sit in memory.
/// </summary>
public static class DatasetWriter
{
    public static string FileName(ImportKind kind, ImportFormat format) => kind.Name + format switch
    {
        ImportFormat.Csv => ".csv",
        ImportFormat.Xlsx => ".xlsx",
        _ => ".jsonl",
    };

    public static void Write(string directory, ImportFormat format, int seed, int organizations, int certificates, DateOnly today,
        Action<long>? certificatesWritten = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        if (format == ImportFormat.Xlsx)
        {
            // Workbooks (for the XLSX import benchmark): the CSV files, then each streamed into a sheet of text cells.
            var csv = Path.Combine(directory, ".csv-" + Guid.NewGuid().ToString("N"));
            Write(csv, ImportFormat.Csv, seed, organizations, certificates, today, certificatesWritten, cancellationToken);
            foreach (var kind in ImportKind.All)
            {
                MiniExcelLibs.MiniExcel.SaveAs(Path.Combine(directory, FileName(kind, ImportFormat.Xlsx)), CsvRows(Path.Combine(csv, FileName(kind, ImportFormat.Csv))),
                    sheetName: kind.Name, overwriteFile: true);
            }
            Directory.Delete(csv, recursive: true);
            return;
        }
        var data = new SyntheticData(seed);
        var orgs = data.Organizations(organizations, DateTimeOffset.UnixEpoch);
        var d = (DateOnly? v) => v?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using (var w = new RowWriter(Path.Combine(directory, FileName(new OrganizationsKind(), format)), format, new OrganizationsKind().Columns))
        {
            foreach (var o in orgs)
            {
                w.Write([o.Code, o.Type.ToString(), o.Name, o.Province, o.ParentCode, o.Address, o.Contact, d(o.RegisteredFrom), d(o.RegisteredTo)]);
            }
        }
        using (var w = new RowWriter(Path.Combine(directory, FileName(new ScopesKind(), format)), format, new ScopesKind().Columns))
        {
            foreach (var o in orgs)
            {
                foreach (var s in o.Scope)
                {
                    w.Write([o.Code, s.OccupationCode, s.OccupationName, s.WorkType, s.Levels, d(s.ValidFrom), d(s.ValidTo)]);
                }
            }
        }
        using (var w = new RowWriter(Path.Combine(directory, FileName(new StatusEventsKind(), format)), format, new StatusEventsKind().Columns))
        {
            foreach (var o in orgs)
            {
                foreach (var e in o.StatusHistory)
                {
                    w.Write([o.Code, d(e.EffectiveDate), e.Status, e.Reason]);
                }
            }
        }
        using (var w = new RowWriter(Path.Combine(directory, FileName(new CertificatesKind(), format)), format, new CertificatesKind().Columns))
        {
            long n = 0;
            foreach (var c in data.CertificatesInCodeOrder(orgs, certificates, today))
            {
                w.Write([c.Code, d(c.IssueDate), c.OccupationCode, c.OccupationName, c.WorkType, c.HolderName, c.IdNumber, c.ObtainedBy,
                    c.Status, d(c.RevokedOn), c.RevocationReason, d(c.TermFrom), d(c.TermTo), c.ReviewState]);
                if (++n % 100_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    certificatesWritten?.Invoke(n);
                }
            }
            certificatesWritten?.Invoke(n);
        }
    }

    private static IEnumerable<IDictionary<string, object?>> CsvRows(string path)
    {
        string[]? header = null;
        foreach (var line in File.ReadLines(path))
        {
            var fields = RecordReader.SplitCsv(line, out _)!;
            if (header is null)
            {
                header = fields.Select(f => f ?? "").ToArray();
                continue;
            }
            var row = new Dictionary<string, object?>(header.Length);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = fields[i];
            }
            yield return row;
        }
    }

    /// <summary>One import file being written: CSV with its header, or JSON Lines.</summary>
    public sealed class RowWriter : IDisposable
    {
        private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        private readonly Stream stream;
        private readonly StreamWriter? text;
        private readonly Utf8JsonWriter? json;
        private readonly IReadOnlyList<string> columns;

        public RowWriter(string path, ImportFormat format, IReadOnlyList<string> columns)
        {
            this.columns = columns;
            stream = new BufferedStream(File.Create(path), 1 << 20);
            if (format == ImportFormat.Csv)
            {
                text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
                text.Write(string.Join(",", columns));
                text.Write('\n');
            }
            else
            {
                json = new Utf8JsonWriter(stream, JsonOptions);
            }
        }

        public void Write(string?[] values)
        {
            if (text is not null)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    if (i > 0) { text.Write(','); }
                    text.Write(RecordReader.CsvField(values[i]));
                }
                text.Write('\n');
                return;
            }
            json!.WriteStartObject();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is { } v) { json.WriteString(columns[i], v); } else { json.WriteNull(columns[i]); }
            }
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            stream.WriteByte((byte)'\n');
        }

        public void Dispose()
        {
            text?.Dispose();
            json?.Dispose();
            stream.Dispose();
        }
    }
}
