using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Dapper;

namespace SkillVerify.Data.Import;

public sealed record ImportOptions(string File, string RejectsFile, ImportFormat Format, int BatchSize = 10_000);

/// <summary>Running totals, reported after every committed batch and at the end.</summary>
public sealed record ImportProgress(long BytesRead, long BytesTotal, long Read, long Inserted, long Updated, long Unchanged, long Rejected, long Batches, TimeSpan Elapsed, TimeSpan WriteTime)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Read / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Streams a file into the store: read and validate on one thread, write on another. Each batch is one
/// transaction through the dialect's bulk path, so a killed import leaves whole batches and a rerun
/// (an idempotent upsert) completes the rest. Rejected rows go to the rejects file with line and reason.
/// </summary>
public sealed class Importer(SqlDialect dialect, TimeProvider time)
{
    public async Task<ImportProgress> RunAsync(ImportKind kind, ImportOptions options, Domain.Privacy.HolderHasher? hasher,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        TypeHandlers.Register();
        var clock = Stopwatch.StartNew();
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await dialect.PrepareForImportAsync(connection, cancellationToken);
        var known = kind.NeedsOrganizations
            ? (await connection.QueryAsync<string>(new CommandDefinition("SELECT code FROM organizations", cancellationToken: cancellationToken)))
                .ToHashSet(StringComparer.Ordinal)
            : [];
        var context = new ImportContext(known, time.GetUtcNow(), hasher);

        using var reader = new RecordReader(options.File, options.Format, kind.Columns);
        reader.ReadHeader();
        await using var rejects = new StreamWriter(options.RejectsFile, false, new UTF8Encoding(false));
        await rejects.WriteLineAsync("line,reason,detail,key");

        using var batches = new BlockingCollection<(List<object?[]> Rows, long Bytes)>(boundedCapacity: 3);
        long read = 0, rejected = 0, duplicatesSkipped = 0;
        var producer = Task.Run(() =>
        {
            try
            {
                // First occurrence wins: a later line with the same key and other data is rejected, an identical one skipped.
                var seen = new Dictionary<string, (ulong Fingerprint, long Line)>(StringComparer.Ordinal);
                var batch = new List<object?[]>(options.BatchSize);
                while (reader.TryRead(out var record))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Interlocked.Increment(ref read);
                    if (record.Fields is null)
                    {
                        Reject(record.Line, record.ErrorCode!, record.Error!, null);
                        continue;
                    }
                    object?[] row;
                    string key;
                    try
                    {
                        (row, key) = kind.Convert(record.Fields, context);
                    }
                    catch (RejectException e)
                    {
                        Reject(record.Line, e.Code, e.Message, record.Fields[0]);
                        continue;
                    }
                    var fingerprint = Fingerprint(row, kind.Table);
                    if (seen.TryGetValue(key, out var first))
                    {
                        if (first.Fingerprint != fingerprint)
                        {
                            Reject(record.Line, "duplicate.conflict", $"key {key} is already on line {first.Line} with different data", key);
                        }
                        else
                        {
                            Interlocked.Increment(ref duplicatesSkipped);
                        }
                        continue;
                    }
                    seen[key] = (fingerprint, record.Line);
                    batch.Add(row);
                    if (batch.Count == options.BatchSize)
                    {
                        batches.Add((batch, reader.Position), cancellationToken);
                        batch = new List<object?[]>(options.BatchSize);
                    }
                }
                if (batch.Count > 0)
                {
                    batches.Add((batch, reader.Position), cancellationToken);
                }
            }
            finally
            {
                batches.CompleteAdding();
            }
        }, cancellationToken);

        var counts = new UpsertCounts();
        var writeClock = new Stopwatch();
        long done = 0;
        ImportProgress Snapshot(long bytes) => new(bytes, reader.Length, Interlocked.Read(ref read), counts.Inserted, counts.Updated,
            counts.Unchanged + Interlocked.Read(ref duplicatesSkipped), Interlocked.Read(ref rejected), done, clock.Elapsed, writeClock.Elapsed);
        try
        {
            foreach (var (rows, bytes) in batches.GetConsumingEnumerable(cancellationToken))
            {
                writeClock.Start();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var written = await dialect.BulkUpsertAsync(connection, transaction, kind.Table, rows, cancellationToken);
                if (kind.RegistryData && written.Inserted + written.Updated > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(StoreSql.BumpSnapshot, new { now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
                }
                await transaction.CommitAsync(cancellationToken);
                writeClock.Stop();
                counts += written;
                done++;
                progress?.Report(Snapshot(bytes));
            }
        }
        finally
        {
            if (!producer.IsCompleted)
            {
                // The writer failed: drain so the reader is not blocked on a full queue.
                foreach (var _ in batches.GetConsumingEnumerable()) { }
            }
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await producer;
        var final = Snapshot(reader.Length);
        progress?.Report(final);
        return final;

        void Reject(long line, string code, string detail, string? key)
        {
            Interlocked.Increment(ref rejected);
            lock (rejects)
            {
                rejects.WriteLine($"{line},{code},{RecordReader.CsvField(detail)},{RecordReader.CsvField(key)}");
            }
        }
    }

    /// <summary>FNV-1a over the row's values except the touched column: tells a repeated row from a conflicting one.</summary>
    private static ulong Fingerprint(object?[] row, TableSpec table)
    {
        var hash = 14695981039346656037UL;
        for (var i = 0; i < row.Length; i++)
        {
            if (table.Columns[i].Name == table.Touched)
            {
                continue;
            }
            switch (row[i])
            {
                case null: Mix(ref hash, 0xFF); break;
                case string s: foreach (var c in s) { Mix(ref hash, c); } break;
                case byte[] b: foreach (var x in b) { Mix(ref hash, x); } break;
                case DateOnly d: Mix(ref hash, (uint)d.DayNumber); break;
                default: foreach (var c in row[i]!.ToString()!) { Mix(ref hash, c); } break;
            }
            Mix(ref hash, 0x1F);
        }
        return hash;

        static void Mix(ref ulong hash, uint value)
        {
            hash ^= value;
            hash *= 1099511628211UL;
        }
    }
}
