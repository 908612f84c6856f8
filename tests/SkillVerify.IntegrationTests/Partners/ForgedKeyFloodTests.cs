using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Partners;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Security;
using SkillVerify.Data.Partners;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>Runs alone: managed memory is measured for the whole process, so no other test may allocate meanwhile.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;

/// <summary>A million forged keys, down the path a request takes: rejected, and nothing kept for any of them.</summary>
[Collection(nameof(MeasuresProcessMemory))]
public class ForgedKeyFloodTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    private const string Batch = "/api/v1/verifications/batch";

    [Fact]
    public async Task AMillionRandomKeysAreRejectedWithoutPerKeyState()
    {
        var directory = factory.Services.GetRequiredService<PartnerKeyDirectory>();
        var policy = factory.Services.GetRequiredService<ApiRateLimitPolicy>();
        // Partitioned by the policy, as ASP.NET Core's rate-limiting middleware does for the /api route groups.
        using var limiter = PartitionedRateLimiter.Create<HttpContext, string>(policy.GetPartition);
        var memory = (MemoryCache)factory.Services.GetRequiredKeyedService<IMemoryCache>(CachingExtensions.RecordMemory);
        int CacheCount() => memory.Count;
        await factory.CreatePartnerKeyAsync();
        // One request per key down the path a request takes: authentication, then the rate limiter's partitioning.
        var random = new Random(2026);
        Span<byte> secret = stackalloc byte[32];
        var keysBefore = directory.Count;
        var cacheBefore = CacheCount();
        Round(10_000, ref secret);
        var windowsBefore = policy.PartitionsCreated;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        var rejected = Round(1_000_000, ref secret);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(1_000_000, rejected);
        Assert.Equal(keysBefore, directory.Count);
        Assert.Equal(cacheBefore, CacheCount());
        // Forged keys count against the caller's address, which already had its window: no new partition.
        Assert.Equal(windowsBefore, policy.PartitionsCreated);
        Assert.True(memoryAfter - memoryBefore < 4 * 1024 * 1024, $"Managed memory grew by {(memoryAfter - memoryBefore) / 1024} KiB over a million forged keys.");

        int Round(int count, ref Span<byte> buffer)
        {
            var invalid = 0;
            for (var i = 0; i < count; i++)
            {
                random.NextBytes(buffer);
                // Half well-formed (right prefix, id and length), half arbitrary text.
                var key = i % 2 == 0
                    ? PartnerKeys.Prefix + Convert.ToHexStringLower(buffer[..6]) + "_" + System.Buffers.Text.Base64Url.EncodeToString(buffer)
                    : Convert.ToBase64String(buffer);
                using var scope = factory.Services.CreateScope();
                var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                context.Request.Path = Batch;
                context.Request.Headers[ApiKeyAuthentication.Header] = key;
                context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
                // The X-Api-Key scheme, as UseAuthentication calls it (it completes synchronously: no I/O).
                var result = context.AuthenticateAsync(ApiKeyAuthentication.SchemeName).GetAwaiter().GetResult();
                if (result.Failure?.Message == ApiKeyDenial.KeyInvalid.Code)
                {
                    invalid++;
                }
                context.User = result.Principal ?? context.User;
                using var lease = limiter.AttemptAcquire(context);
            }
            return invalid;
        }
    }

}
