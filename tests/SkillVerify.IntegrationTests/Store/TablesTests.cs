using SkillVerify.Data;
using SkillVerify.Data.Import;
using SkillVerify.Domain.Privacy;

namespace SkillVerify.IntegrationTests.Store;

/// <summary>
/// <see cref="Tables"/> is the one list of every table's columns; the SQL derives from it, and what cannot (the row
/// records Dapper maps into, the import kinds' positional rows) is held to it here.
/// </summary>
public sealed class TablesTests
{
    /// <summary>Dapper builds a record from the columns in its constructor's order: a row record follows its table (a child table's without its owner's key, plus <c>seq</c> for status events).</summary>
    [Theory]
    [InlineData("SkillVerify.Data.CertificateRow", "certificates", "")]
    [InlineData("SkillVerify.Data.OrganizationRow", "organizations", "")]
    [InlineData("SkillVerify.Data.StatusEventRow", "organization_status_events", "Seq")]
    [InlineData("SkillVerify.Data.ScopeRow", "organization_scopes", "")]
    [InlineData("SkillVerify.Data.AliasRow", "organization_aliases", "")]
    [InlineData("SkillVerify.Data.QualityRow", "organization_quality_results", "")]
    public void ARowRecordHasTheTablesColumnsInOrder(string rowType, string table, string extra)
    {
        var type = typeof(DapperStore).Assembly.GetType(rowType, throwOnError: true)!;
        var parameters = type.GetConstructors().Single().GetParameters().Select(p => p.Name!.ToUpperInvariant());
        var columns = Tables.All.Single(t => t.Name == table).Columns.Where(c => c.Name != "organization_code").Select(c => c.Parameter)
            .Concat(extra.Length > 0 ? [extra] : []);

        Assert.Equal(columns.Select(c => c.ToUpperInvariant()), parameters);
    }

    [Fact]
    public void EveryImportKindsExampleBecomesARowOfItsTablesColumnsAndKinds()
    {
        var now = new DateTimeOffset(2026, 1, 15, 8, 30, 0, TimeSpan.Zero);
        var known = new HashSet<string>(StringComparer.Ordinal) { "Y000044030006" };
        var windows = new Dictionary<string, RegistrationWindow> { ["Y000044030006"] = new(new DateOnly(2000, 1, 1), null) };
        var context = new ImportContext(known, now, new HolderHasher(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()), windows);
        foreach (var kind in ImportKind.All)
        {
            var fields = kind.ColumnSpecs.Select(c => kind.Example.GetValueOrDefault(c.Name)).ToArray();
            var errors = new RowErrors();

            var (row, _) = kind.Convert(fields, context, errors);

            Assert.True(row is not null, $"{kind.Name}: {string.Join("; ", errors.Items.Select(e => e.MessageEn))}");
            Assert.Equal(kind.Table.Columns.Count, row.Length);
            for (var i = 0; i < row.Length; i++)
            {
                var column = kind.Table.Columns[i];
                var expected = column.Kind switch
                {
                    ColumnKind.Text => typeof(string),
                    ColumnKind.Date => typeof(DateOnly),
                    ColumnKind.Instant => typeof(DateTimeOffset),
                    _ => typeof(byte[]),
                };
                Assert.True(row[i] is null || row[i]!.GetType() == expected, $"{kind.Name}.{column.Name}: {row[i]?.GetType().Name}, expected {expected.Name}");
            }
        }
    }
}
