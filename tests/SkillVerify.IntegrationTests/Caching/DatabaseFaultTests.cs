using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Caching.CacheTestClient;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>
/// The database goes away: answers it is needed for are a 503 with Retry-After, answers already cached are
/// served and say so, nothing false is cached, and the right answer comes back once the database does.
/// </summary>
[Collection(CacheCollection.Name)]
public sealed class DatabaseFaultTests
{
    [Fact]
    public async Task DatabaseUnavailableAnswers503WithRetryAfterAndRecovers()
    {
        var redis = await CacheFactory.SharedRedisAsync();
        var prefix = CacheFactory.NewPrefix();
        // The store's outage path for every lookup: a never-issued code is answered from memory otherwise (KnownCodesTests).
        using var factory = new CacheFactory(CacheFactory.Shared(redis, prefix, more: new Dictionary<string, string?> { ["Cache:CodeFilter"] = "false" }));
        var client = factory.CreateClient();
        Assert.Equal("VALID", await OutcomeAsync(client, ValidCode, ValidName));
        const string uncached = "Y001111000001241000001";

        // SQLite has no server to stop: the file goes away and a folder takes its place, so it can be
        // neither opened nor silently re-created empty; pooled connections are closed.
        var database = Path.Combine(factory.DataDirectory, "skillverify.db");
        var aside = Path.Combine(factory.DataDirectory, "aside");
        Directory.CreateDirectory(aside);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(database + suffix))
            {
                File.Move(database + suffix, Path.Combine(aside, "skillverify.db" + suffix));
            }
        }
        Directory.CreateDirectory(database);
        try
        {
            var (status, body, response) = await VerifyAsync(client, uncached, "李建国");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.True(response.Headers.RetryAfter is not null, "A 503 must say when to retry.");
            Assert.Equal("service.unavailable", body.GetProperty("code").GetString());

            // A code nobody asked for yet: also 503, never a cached "not found".
            (status, _, _) = await VerifyAsync(client, "Y000044030006233777777", "某人");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

            // Already cached: still answered, and the answer says it came from cache.
            (status, body, _) = await VerifyAsync(client, ValidCode, ValidName);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("VALID", body.GetProperty("outcome").GetString());
            Assert.True(body.GetProperty("freshness").GetProperty("fromCache").GetBoolean());

            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            Directory.Delete(database);
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(Path.Combine(aside, "skillverify.db" + suffix)))
                {
                    File.Move(Path.Combine(aside, "skillverify.db" + suffix), database + suffix);
                }
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        // Nothing of the outage was cached: the right answers at once.
        Assert.Equal("VALID", await OutcomeAsync(client, uncached, "李建国"));
        Assert.False(await CacheFactory.RedisKeyExistsAsync(redis, prefix + "cert:Y000044030006233777777"));
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
    }
}
