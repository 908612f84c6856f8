using SkillVerify.Data;
using SkillVerify.Data.Partners;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>PartnerKeys as the CLI uses it: a dialect, no web host.</summary>
public class PartnerKeysCliTests
{
    [Fact]
    public async Task CreateListRevokeOnAFreshDatabase()
    {
        var file = Path.Combine(Path.GetTempPath(), "skillverify-tests", $"keys-{Guid.NewGuid():N}.db");
        var dialect = new SqliteDialect(SqliteDialect.ForFile(file));
        await new DapperStore(dialect, TimeProvider.System).MigrateAsync();
        var keys = PartnerKeys.Open(dialect);

        var created = await keys.CreateAsync(new NewPartnerKey("江苏省互认平台", ["32"], BatchAllowed: true, IdMatchingAllowed: false, RequestsPerMinute: 6000,
            ExpiresAt: DateTimeOffset.UtcNow.AddYears(1)));
        var listed = await keys.ListAsync();
        var revoked = await keys.RevokeAsync(created.Key.Id);
        var revokedAgain = await keys.RevokeAsync(created.Key.Id);

        Assert.StartsWith("svk_" + created.Key.Id + "_", created.Plaintext);
        Assert.Equal(PartnerKeys.KeyLength, created.Plaintext.Length);
        Assert.Equal(created.Key.Id, Assert.Single(listed).Id);
        Assert.Null(listed[0].RevokedAt);
        Assert.True(revoked);
        Assert.False(revokedAgain);
        Assert.Equal(PartnerKeyState.Revoked, (await keys.AuthenticateAsync(created.Plaintext)).State);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
