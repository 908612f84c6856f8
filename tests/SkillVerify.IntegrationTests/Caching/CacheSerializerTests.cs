using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SkillVerify.Data;
using SkillVerify.Data.Caching;
using SkillVerify.Domain.Verification;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>
/// What goes to Redis (L2) is written by the source-generated contracts, not by reflection, and in the very bytes the
/// reflection-based serializer writes: values written by either read back with the other, so no key version bump is needed.
/// </summary>
public sealed class CacheSerializerTests
{
    private static readonly FusionCacheSystemTextJsonSerializer Reflection = new(new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    public static TheoryData<string> Kinds => ["certificate", "organization", "snapshot"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CachedRecordsAreWrittenBySourceGenerationInTheReflectionBytes(string kind)
    {
        var now = new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);
        switch (kind)
        {
            case "certificate":
                Check(new FusionCacheDistributedEntry<CertificateRecord>(
                    new CertificateRecord("Y000044030006233000123", "Y000044030006", '3', new(2023, 6, 15), "6-31-01-03", "电工", null, [1, 2, 3], "王*明",
                        null, null, "考核", CertificateStatus.Active, null, null, null, null, ReviewState.NotRequired, now), now.UtcTicks, now.AddMinutes(10).UtcTicks, null, null));
                break;
            case "organization":
                Check(new FusionCacheDistributedEntry<OrganizationRecord>(
                    new OrganizationRecord("Y000044030006", 'Y', "深圳市某电气有限公司", "44", null, "深圳", null, new(2021, 1, 1), null,
                        [new StatusEvent(OrganizationStatus.Suspended, new(2024, 1, 1), "评价质量评估不合格", 3, new StatusRetraction("录入错误", now))],
                        [new ScopeEntry("6-31-01-03", "电工", null, "345", new(2021, 1, 1), null)], [new OrganizationAlias("首席技能大师", 'S')],
                        [new QualityResult(new(2024, 6, 1), "合格", null)], now), now.UtcTicks, now.AddMinutes(10).UtcTicks, ["t"], null));
                break;
            default:
                Check(new FusionCacheDistributedEntry<RegistrySnapshot>(new RegistrySnapshot(42, now), now.UtcTicks, now.AddSeconds(5).UtcTicks, null, null));
                break;
        }
    }

    private static void Check<T>(T entry)
    {
        var info = SharedCache.SerializerOptions.GetTypeInfo(typeof(T));
        Assert.IsAssignableFrom<JsonSerializerContext>(info.OriginatingResolver);

        var generated = SharedCache.Serializer.Serialize(entry);
        var reflected = Reflection.Serialize(entry);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(reflected), System.Text.Encoding.UTF8.GetString(generated));
        // Each reads what the other wrote, to the same value.
        Assert.Equal(generated, Reflection.Serialize(Reflection.Deserialize<T>(generated)));
        Assert.Equal(reflected, SharedCache.Serializer.Serialize(SharedCache.Serializer.Deserialize<T>(reflected)));
        Assert.Contains("\"Value\":{", System.Text.Encoding.UTF8.GetString(generated), StringComparison.Ordinal);
    }
}
