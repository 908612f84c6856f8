using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;

namespace SkillVerify.Data.Import;

/// <summary>What to import and how: the file, where rejected rows go, the format, rows per transaction, the text encoding (null: detect) and the sheet (null: the first).</summary>
public sealed record ImportOptions(string File, string RejectsFile, ImportFormat Format, int BatchSize = 10_000, Encoding? Encoding = null, string? Sheet = null);

/// <summary>Running totals, reported after every committed batch and at the end.</summary>
public sealed record ImportProgress(long BytesRead, long BytesTotal, long Read, long Inserted, long Updated, long Unchanged, long Rejected, long Batches, TimeSpan Elapsed, TimeSpan WriteTime)
{
    /// <summary>How the file was read (UTF-8 CSV, GB18030 CSV, an XLSX sheet…).</summary>
    public string Source { get; init; } = "";

    /// <summary>Rows accepted (inserted, updated or unchanged).</summary>
    public long Accepted => Read - Rejected;

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
        var writer = dialect.BulkWriter;
        await writer.PrepareAsync(connection, cancellationToken);
        if (hasher is not null && kind is CertificatesKind)
        {
            // Names hashed with another key would never match what callers type: refuse before writing anything.
            await HashKeyFingerprint.CheckOrRecordAsync(connection, hasher, time, cancellationToken);
        }
        var known = kind.NeedsOrganizations
            ? (await connection.QueryAsync<string>(new CommandDefinition("SELECT code FROM organizations", cancellationToken: cancellationToken)))
                .ToHashSet(StringComparer.Ordinal)
            : [];
        Dictionary<string, RegistrationWindow>? windows = null;
        if (kind.NeedsRegistrationWindows)
        {
            windows = new Dictionary<string, RegistrationWindow>(StringComparer.Ordinal);
            foreach (var w in await connection.QueryAsync<WindowRow>(new CommandDefinition(
                "SELECT code, registered_from, registered_to FROM organizations", cancellationToken: cancellationToken)))
            {
                windows[w.Code] = new RegistrationWindow(w.RegisteredFrom, w.RegisteredTo);
            }
        }
        var context = new ImportContext(known, time.GetUtcNow(), hasher, windows);

        using var reader = RecordSources.Open(options.File, options.Format, kind.ColumnSpecs, options.Encoding, options.Sheet);
        reader.ReadHeader();
        await using var rejects = new StreamWriter(options.RejectsFile, false, new UTF8Encoding(true));
        // One line per error (a row may have several): where, what was there (masked when personal), why, in both languages.
        await rejects.WriteLineAsync("line,column,value,code,reason_zh,reason_en");

        // Rows travel to the writer in small chunks, each batch (one transaction) being a run of chunks: a row lives
        // for milliseconds instead of waiting in a whole batch, so it dies young and the garbage collector no longer
        // copies batches from generation to generation (that copying was the largest single cost of an import).
        var chunkRows = Math.Clamp(options.BatchSize, 1, ChunkRows);
        using var chunks = new BlockingCollection<Chunk>(boundedCapacity: ChunksAhead);
        var spareChunks = new ConcurrentBag<List<object?[]>>();
        var touched = kind.Table.Touched is { } t ? kind.Table.Columns.Select(c => c.Name).ToList().IndexOf(t) : -1;
        long read = 0, rejected = 0, duplicatesSkipped = 0;
        var producer = Task.Run(() =>
        {
            try
            {
                // First occurrence wins: a later line with the same key and other data is rejected, an identical one skipped.
                var seen = new Dictionary<string, (ulong Fingerprint, long Line)>(StringComparer.Ordinal);
                var chunk = new List<object?[]>(chunkRows);
                var errors = new RowErrors();
                var inBatch = 0;
                var sized = false;
                while (reader.TryRead(out var record))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Interlocked.Increment(ref read);
                    if (record.Fields is null)
                    {
                        RejectLine(record.Line, -1, null, record.ErrorCode!, record.ErrorZh ?? record.Error!, record.Error!);
                        Interlocked.Increment(ref rejected);
                        continue;
                    }
                    errors.Clear();
                    var (converted, convertedKey) = kind.Convert(record.Fields, context, errors);
                    if (converted is null || convertedKey is null)
                    {
                        foreach (var e in errors.Items)
                        {
                            RejectLine(record.Line, e.Column, e.Column >= 0 ? record.Fields[e.Column] : null, e.Code, e.MessageZh, e.MessageEn);
                        }
                        Interlocked.Increment(ref rejected);
                        continue;
                    }
                    var (row, key) = (converted, convertedKey);
                    var fingerprint = Fingerprint(row, touched);
                    if (seen.TryGetValue(key, out var first))
                    {
                        if (first.Fingerprint != fingerprint)
                        {
                            RejectLine(record.Line, 0, key, "duplicate.conflict", $"同一键 {key} 已在第 {first.Line} 行出现，且数据不同（以先出现的为准）。",
                                $"key {key} is already on line {first.Line} with different data (the first one is kept).");
                            Interlocked.Increment(ref rejected);
                        }
                        else
                        {
                            Interlocked.Increment(ref duplicatesSkipped);
                        }
                        continue;
                    }
                    seen[key] = (fingerprint, record.Line);
                    if (!sized && seen.Count == 10_000 && reader.Position > 0)
                    {
                        // Size the table once for the whole file (estimated from the first lines), instead of regrowing it.
                        sized = true;
                        seen.EnsureCapacity((int)Math.Min(int.MaxValue / 2, seen.Count * 1.1 * reader.Length / reader.Position));
                    }
                    chunk.Add(row);
                    inBatch++;
                    if (inBatch == options.BatchSize || chunk.Count == chunkRows)
                    {
                        var endsBatch = inBatch == options.BatchSize;
                        chunks.Add(new Chunk(chunk, endsBatch, reader.Position), cancellationToken);
                        chunk = spareChunks.TryTake(out var spare) ? spare : new List<object?[]>(chunkRows);
                        inBatch = endsBatch ? 0 : inBatch;
                    }
                }
                if (inBatch > 0)
                {
                    chunks.Add(new Chunk(chunk, true, reader.Position), cancellationToken);
                }
            }
            finally
            {
                chunks.CompleteAdding();
            }
        }, cancellationToken);

        var intoEmptyTable = await writer.IsEmptyAsync(connection, kind.Table, cancellationToken);
        var counts = new UpsertCounts();
        var writeClock = new Stopwatch();
        var waitClock = new Stopwatch();
        long done = 0;
        ImportProgress Snapshot(long bytes) => new(bytes, reader.Length, Interlocked.Read(ref read), counts.Inserted, counts.Updated,
            counts.Unchanged + Interlocked.Read(ref duplicatesSkipped), Interlocked.Read(ref rejected), done, clock.Elapsed, writeClock.Elapsed - waitClock.Elapsed);
        using var incoming = chunks.GetConsumingEnumerable(cancellationToken).GetEnumerator();
        try
        {
            // A transaction opens when a batch's first chunk has arrived, and commits after its last one.
            while (incoming.MoveNext())
            {
                writeClock.Start();
                var batch = new BatchRows(incoming, spareChunks, waitClock);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var written = await writer.UpsertAsync(connection, transaction, kind.Table, batch, intoEmptyTable, cancellationToken);
                if (!batch.Finished)
                {
                    throw new InvalidOperationException($"{writer.GetType().Name}.{nameof(BulkWriter.UpsertAsync)} did not write every row of the batch.");
                }
                if (kind.RegistryData && written.Inserted + written.Updated > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(StoreSql.BumpSnapshot, new { now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
                }
                await transaction.CommitAsync(cancellationToken);
                writeClock.Stop();
                counts += written;
                done++;
                progress?.Report(Snapshot(batch.Bytes));
            }
        }
        finally
        {
            if (!producer.IsCompleted)
            {
                // The writer failed: drain so the reader is not blocked on a full queue.
                foreach (var _ in chunks.GetConsumingEnumerable(CancellationToken.None)) { }
            }
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await producer;
        var final = Snapshot(reader.Length) with { Source = reader.Description };
        progress?.Report(final);
        return final;

        // Only the reader thread writes here.
        void RejectLine(long line, int column, string? value, string code, string zh, string en)
        {
            var name = column >= 0 ? kind.ColumnSpecs[column].Name : "";
            var shown = value is null ? "" : column >= 0 && kind.ColumnSpecs[column].Personal ? Mask(column, value) : Clip(value);
            rejects.WriteLine($"{line},{name},{RecordReader.CsvField(shown)},{code},{RecordReader.CsvField(zh)},{RecordReader.CsvField(en)}");
        }

        string Mask(int column, string value) => column == CertificatesKind.HolderNameColumn
            ? Domain.Privacy.HolderNormalization.MaskName(value)
            : Domain.Privacy.HolderNormalization.MaskIdNumber(value);

        static string Clip(string value) => value.Length <= 120 ? value : value[..120] + "…";
    }

    /// <summary>Rows per chunk handed from the reader to the writer, and how many chunks the reader may run ahead.</summary>
    private const int ChunkRows = 512, ChunksAhead = 16;

    /// <summary>Exit code of an import run (docs/data-format.md): 0 every row imported, 1 some rows rejected, 2 nothing imported.</summary>
    public static int ExitCode(ImportProgress result) => result.Rejected == 0 && result.Read > 0 ? 0 : result.Accepted > 0 ? 1 : 2;

    private sealed class WindowRow
    {
        public string Code { get; set; } = "";

        public DateOnly RegisteredFrom { get; set; }

        public DateOnly? RegisteredTo { get; set; }
    }

    private sealed record Chunk(List<object?[]> Rows, bool EndsBatch, long Bytes);

    /// <summary>
    /// One batch's rows as they arrive: the current chunk (already taken from the queue), then the following
    /// ones up to the chunk that ends the batch. Enumerated once, by the dialect, inside the batch's transaction.
    /// </summary>
    private sealed class BatchRows(IEnumerator<Chunk> incoming, ConcurrentBag<List<object?[]>> spare, Stopwatch waiting) : IEnumerable<object?[]>
    {
        private bool started;

        public bool Finished { get; private set; }

        public long Bytes { get; private set; }

        public IEnumerator<object?[]> GetEnumerator()
        {
            if (started)
            {
                throw new InvalidOperationException("A batch's rows can be read once.");
            }
            started = true;
            var chunk = incoming.Current;
            while (true)
            {
                foreach (var row in chunk.Rows)
                {
                    yield return row;
                }
                chunk.Rows.Clear();
                spare.Add(chunk.Rows);
                if (chunk.EndsBatch)
                {
                    Bytes = chunk.Bytes;
                    Finished = true;
                    yield break;
                }
                waiting.Start();
                var more = incoming.MoveNext();
                waiting.Stop();
                if (!more)
                {
                    throw new InvalidOperationException("The reader stopped in the middle of a batch.");
                }
                chunk = incoming.Current;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// A 64-bit hash of the row's values except the touched column: tells a repeated row from a conflicting one.
    /// Strings and bytes are mixed eight bytes at a time (the per-character FNV-1a it replaces was a visible share of the reader's time).
    /// </summary>
    private static ulong Fingerprint(object?[] row, int touched)
    {
        var hash = 14695981039346656037UL;
        for (var i = 0; i < row.Length; i++)
        {
            if (i == touched)
            {
                continue;
            }
            switch (row[i])
            {
                case null: Mix(ref hash, 0xFF); break;
                case string s: MixBytes(ref hash, MemoryMarshal.AsBytes(s.AsSpan())); break;
                case byte[] b: MixBytes(ref hash, b); break;
                case DateOnly d: Mix(ref hash, (uint)d.DayNumber); break;
                default: MixBytes(ref hash, MemoryMarshal.AsBytes(row[i]!.ToString().AsSpan())); break;
            }
            Mix(ref hash, 0x1F);
        }
        return hash;

        static void MixBytes(ref ulong hash, ReadOnlySpan<byte> bytes)
        {
            Mix(ref hash, (ulong)bytes.Length);
            while (bytes.Length >= 8)
            {
                Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
                bytes = bytes[8..];
            }
            if (!bytes.IsEmpty)
            {
                Span<byte> tail = stackalloc byte[8];
                tail.Clear();
                bytes.CopyTo(tail);
                Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(tail));
            }
        }

        static void Mix(ref ulong hash, ulong value)
        {
            // Multiply–rotate–multiply per word (as in xxHash's rounds): every input bit reaches every output bit.
            hash ^= value * 0x9E3779B185EBCA87UL;
            hash = BitOperations.RotateLeft(hash, 31) * 0xC2B2AE3D27D4EB4FUL;
        }
    }
}
