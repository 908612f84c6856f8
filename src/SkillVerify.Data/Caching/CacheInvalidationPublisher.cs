using StackExchange.Redis;

namespace SkillVerify.Data.Caching;

/// <summary>
/// Tells every API instance that data changed: deletes the shared (Redis, L2) copies of what changed,
/// then publishes the change on the invalidation channel so each instance evicts its in-process (L1)
/// copy and the output-cache entries built from it. Used by the API's admin endpoints and by the import
/// CLI, which needs nothing of the API: a connection to the same Redis and the same key prefix.
/// </summary>
/// <remarks>
/// Call it after the database write has committed. Order matters: L2 first, then the message, so an
/// instance that evicts on receipt cannot refill its L1 from a stale L2 copy.
/// </remarks>
public sealed class CacheInvalidationPublisher(IConnectionMultiplexer redis, string keyPrefix = CacheKeys.DefaultPrefix) : IAsyncDisposable
{
    private bool ownsConnection;

    /// <summary>Keys per channel message and per DEL: large imports are split, never one huge message.</summary>
    public const int BatchSize = 500;

    public string KeyPrefix => keyPrefix;

    public RedisChannel Channel { get; } = RedisChannel.Literal(CacheKeys.Channel(keyPrefix));

    /// <summary>
    /// For a one-off writer such as the import CLI: connects with short timeouts and fails at once when Redis
    /// cannot be reached. Disposing the publisher closes the connection.
    /// </summary>
    public static async Task<CacheInvalidationPublisher> ConnectAsync(string redisConnectionString, string keyPrefix = CacheKeys.DefaultPrefix)
    {
        var options = ConfigurationOptions.Parse(redisConnectionString);
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.AbortOnConnectFail = true;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        return new CacheInvalidationPublisher(connection, keyPrefix) { ownsConnection = true };
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsConnection)
        {
            await redis.DisposeAsync();
        }
    }

    /// <summary>Deletes the L2 copies and publishes the invalidation. Throws when Redis cannot be reached (the caller decides whether that matters).</summary>
    public async Task PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        if (invalidation.IsEmpty)
        {
            return;
        }
        var db = redis.GetDatabase();
        var subscriber = redis.GetSubscriber();
        if (invalidation.Everything)
        {
            await DeleteAllAsync(cancellationToken);
            await subscriber.PublishAsync(Channel, CacheInvalidation.EverythingLine);
            return;
        }
        foreach (var chunk in invalidation.CertificateCodes.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = CacheInvalidation.ForCertificates(chunk);
            await db.KeyDeleteAsync(part.Keys().Select(k => (RedisKey)CacheKeys.RedisKey(keyPrefix, k)).ToArray());
            await subscriber.PublishAsync(Channel, part.ToMessage());
        }
        foreach (var chunk in invalidation.OrganizationCodes.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = CacheInvalidation.ForOrganizations(chunk);
            await db.KeyDeleteAsync(part.Keys().Select(k => (RedisKey)CacheKeys.RedisKey(keyPrefix, k)).ToArray());
            await subscriber.PublishAsync(Channel, part.ToMessage());
        }
    }

    /// <summary>Everything under the prefix goes (records and output-cache entries alike): for a bulk import.</summary>
    private async Task DeleteAllAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var batch = new List<RedisKey>(BatchSize);
            await foreach (var key in server.KeysAsync(db.Database, keyPrefix + "*", BatchSize).WithCancellation(cancellationToken))
            {
                batch.Add(key);
                if (batch.Count == BatchSize)
                {
                    await db.KeyDeleteAsync(batch.ToArray());
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await db.KeyDeleteAsync(batch.ToArray());
            }
        }
    }
}
