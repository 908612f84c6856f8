using SkillVerify.Api.Credentials;
using SkillVerify.Data;
using SkillVerify.IntegrationTests.Store;

namespace SkillVerify.IntegrationTests.Credentials;

/// <summary>The status-list indexes (005_credential_status.sql) on every engine that runs here: dense, unique under concurrent first downloads, stable.</summary>
public abstract class CredentialStatusStoreTests<TProvider> : IAsyncLifetime where TProvider : IStoreProvider, new()
{
    private readonly TProvider provider = new();
    private CredentialStatusStore store = null!;

    public async Task InitializeAsync()
    {
        var dialect = await provider.CreateAsync();
        await new DapperStore(dialect, TimeProvider.System, 30).MigrateAsync();
        store = new CredentialStatusStore(dialect, 30);
    }

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task IndexesAreDenseUniqueAndNeverMove()
    {
        var now = DateTimeOffset.UtcNow;
        var codes = Enumerable.Range(0, 12).Select(i => $"Y0000440300062330{i:00000}").ToList();
        // Two downloads of each code at once: one index per code, whoever wins.
        var first = await Task.WhenAll(codes.Concat(codes).Select(c => store.GetOrAssignIndexAsync(c, "current", now, default)));
        Assert.Equal(first[..12], first[12..]);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), first[..12].Order());

        var historical = await store.GetOrAssignIndexAsync(codes[0], "historical", now, default);
        Assert.Equal(12, historical);
        Assert.Equal(first[3], await store.GetOrAssignIndexAsync(codes[3], "current", now, default));
        var listed = await store.ListAsync(default);
        Assert.Equal(13, listed.Count);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i), listed.Select(e => e.Idx));
    }
}

public sealed class SqliteCredentialStatusStoreTests : CredentialStatusStoreTests<SqliteProvider>;

public sealed class PostgresCredentialStatusStoreTests : CredentialStatusStoreTests<PostgresProvider>;
