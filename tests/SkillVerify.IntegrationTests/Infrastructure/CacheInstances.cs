using SkillVerify.Data;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// Several instances of the service sharing one Redis (<see cref="Redis"/>, under one key prefix of their own) and one
/// SQLite file in a folder of their own (<see cref="CacheFactory.Shared"/>): what a scale-out deployment looks like.
/// One per test (xUnit makes a test class per test): a new prefix and folder each time; disposing stops every
/// instance started and removes the folder.
/// </summary>
public sealed class CacheInstances(string folderPrefix) : IDisposable
{
    private readonly List<CacheFactory> started = [];

    public string Folder { get; } = TestFolders.New(folderPrefix);

    /// <summary>The SQLite file the instances share: the first one started creates and seeds it.</summary>
    public string Database => Path.Combine(Folder, "skillverify.db");

    public string Prefix { get; } = CacheFactory.NewPrefix();

    /// <summary>The Redis the instances share (a plain address or a Sentinel connection string); null: none.</summary>
    public string? Redis { get; set; }

    /// <summary>The shared test Redis (or a failure saying how to start it), for this group.</summary>
    public async Task<CacheInstances> OnSharedRedisAsync()
    {
        Redis = await CacheFactory.SharedRedisAsync();
        return this;
    }

    /// <summary>One more instance of the group, not yet asked anything (its host starts with its first client).</summary>
    public CacheFactory Add(IDictionary<string, string?>? more = null)
    {
        var factory = new CacheFactory(CacheFactory.Shared(Redis, Prefix, Database, more));
        started.Add(factory);
        return factory;
    }

    /// <summary>One more instance, started and answering Healthy on /health/ready. Started one after the other, never at once.</summary>
    public async Task<CacheFactory> StartAsync(IDictionary<string, string?>? more = null) => (await StartWithClientAsync(more)).Factory;

    /// <summary><paramref name="count"/> instances started as <see cref="StartAsync"/> does, one after the other; the client of each that asked.</summary>
    public async Task<List<HttpClient>> StartClientsAsync(int count)
    {
        var clients = new List<HttpClient>();
        for (var i = 0; i < count; i++)
        {
            clients.Add((await StartWithClientAsync(null)).Client);
        }
        return clients;
    }

    private async Task<(CacheFactory Factory, HttpClient Client)> StartWithClientAsync(IDictionary<string, string?>? more)
    {
        var factory = Add(more);
        var client = factory.CreateClient();
        Assert.Equal("Healthy", await ReadyAsync(client));
        return (factory, client);
    }

    /// <summary>
    /// What /health/ready answers once it says Healthy, or its last answer after 20 s. A host started on a loaded machine
    /// may answer 503 for its first moments while its Redis connection is made; readiness, not its speed, is what these
    /// tests need.
    /// </summary>
    public static async Task<string> ReadyAsync(HttpClient client)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var answer = await client.GetAsync("/health/ready");
            var body = await answer.Content.ReadAsStringAsync();
            if (body == "Healthy" || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                return body;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A store of its own on the shared file, as the import CLI writes through one.</summary>
    public DapperStore OpenStore() => new(new SqliteDialect($"Data Source={Database}"), TimeProvider.System);

    public void Dispose()
    {
        foreach (var instance in started)
        {
            instance.Dispose();
        }
        TestFolders.Remove(Folder);
    }
}
