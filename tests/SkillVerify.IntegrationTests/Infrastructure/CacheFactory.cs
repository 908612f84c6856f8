using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Data;
using StackExchange.Redis;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// The service with its cache settings, and the real store wrapped in <see cref="CountingStore"/> so a test
/// can count database queries. Several instances share one Redis and one SQLite file through <see cref="Shared"/>.
/// </summary>
public sealed class CacheFactory(IDictionary<string, string?> settings) : SkillVerifyFactory(settings)
{
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";

    // A fixed holder-hash key: instances that share a database must hash names alike.
    public const string HashKey = "c2tpbGx2ZXJpZnktdGVzdC1oYXNoLWtleS0zMi1ieXRlcyE=";

    public CountingStore Store => (CountingStore)(object)Services.GetRequiredService<ISkillVerifyStore>();

    /// <summary>Settings for one instance of a group sharing <paramref name="redis"/> (may be null: no Redis) and, if given, a SQLite file.</summary>
    public static Dictionary<string, string?> Shared(string? redis, string prefix, string? sqliteFile = null, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Cache:KeyPrefix"] = prefix };
        if (redis is not null)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        if (sqliteFile is not null)
        {
            settings["ConnectionStrings:SkillVerify"] = $"Data Source={sqliteFile}";
            settings[SkillVerifyFactory.SeedDemoData] = "true";
            settings["Privacy:HashKey"] = HashKey;
            settings["Admin:ApiKeys:0"] = AdminKey;
        }
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>The shared test Redis, or a failure that says how to start it.</summary>
    public static async Task<string> SharedRedisAsync()
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis + ",connectTimeout=2000,abortConnect=true");
            await redis.GetDatabase().PingAsync();
            return TestServers.Redis;
        }
        catch (RedisConnectionException ex)
        {
            throw TestServers.Unreachable("Redis", TestServers.Redis, ex);
        }
    }

    public static async Task<long> CountRedisKeysAsync(string address, string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(address + ",connectTimeout=2000");
        var server = redis.GetServers().Single();
        long count = 0;
        await foreach (var _ in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
        {
            count++;
        }
        return count;
    }

    public static async Task<bool> RedisKeyExistsAsync(string address, string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(address + ",connectTimeout=2000");
        return await redis.GetDatabase().KeyExistsAsync(key);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var real = services.Last(d => d.ServiceType == typeof(ISkillVerifyStore));
            services.Remove(real);
            services.AddSingleton(sp => CountingStore.Wrap((ISkillVerifyStore)real.ImplementationFactory!(sp)));
        });
    }
}

/// <summary>The real store, counting the calls per method and first argument (a code): no mock, every call runs.</summary>
public class CountingStore : DispatchProxy
{
    private readonly ConcurrentDictionary<string, int> calls = new();
    private ISkillVerifyStore inner = null!;

    public static ISkillVerifyStore Wrap(ISkillVerifyStore inner)
    {
        var proxy = DispatchProxy.Create<ISkillVerifyStore, CountingStore>();
        ((CountingStore)(object)proxy).inner = inner;
        return proxy;
    }

    public int Calls(string method, string argument) => calls.GetValueOrDefault(method + ":" + argument);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        calls.AddOrUpdate(targetMethod!.Name + ":" + (args is { Length: > 0 } ? args[0]?.ToString() : ""), 1, (_, n) => n + 1);
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
