using Microsoft.SqlServer.TransactSql.ScriptDom;
using SkillVerify.Data;

namespace SkillVerify.IntegrationTests.Store;

/// <summary>
/// SQL Server cannot run on this machine, so every T-SQL statement the project ships — the schema
/// scripts batch by batch, the store's shared queries as the SQL Server dialect renders them, its MERGE
/// upserts and the bulk-import statements — must parse with the SQL Server 2022 grammar without errors.
/// </summary>
public sealed class TSqlTests
{
    private static readonly SqlServerDialect Dialect = new("Server=unused;Database=unused");

    public static TheoryData<string> StatementNames() =>
        [.. AllStatements().Select(s => s.Name)];

    private static IEnumerable<(string Name, string Sql)> AllStatements() =>
        StoreSql.All(Dialect).Concat(SkillVerify.Data.Import.SqlServerBulkWriter.Statements()).Concat(SkillVerify.Data.Partners.PartnerKeyStore.Statements.Select(s => ("PartnerKeys." + s.Name, s.Sql)))
            .Concat(SkillVerify.Api.Credentials.CredentialStatusStore.Statements.Select(s => ("CredentialStatus." + s.Name, s.Sql)));

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void StatementParsesAsTSql(string name)
    {
        var sql = AllStatements().Single(s => s.Name == name).Sql;
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);

        Assert.True(errors.Count == 0, $"{name}:\n{string.Join("\n", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"))}\n{sql}");
        Assert.NotEmpty(((TSqlScript)fragment).Batches);
    }

    /// <summary>
    /// On SQL Server <c>[</c> opens a character class as <c>%</c> and <c>_</c> are wildcards: the organization search
    /// must say which character escapes them in every LIKE it sends (the text comes escaped with it, see the store tests).
    /// </summary>
    [Fact]
    public void TheOrganizationSearchEscapesEveryLikeWithTheSameCharacter()
    {
        var sql = StoreSql.SearchOrganizations(Dialect, province: true, type: true, text: true, occupation: true);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.Empty(errors);
        var likes = new LikeCollector();
        fragment.Accept(likes);

        Assert.Equal(2 * 2, likes.Predicates.Count); // name and code, in the count and in the page
        Assert.All(likes.Predicates, like => Assert.Equal("!", Assert.IsType<StringLiteral>(like.EscapeExpression).Value));
    }

    private sealed class LikeCollector : TSqlFragmentVisitor
    {
        public List<LikePredicate> Predicates { get; } = [];

        public override void Visit(LikePredicate node) => Predicates.Add(node);
    }

    [Fact]
    public void EveryShippedStatementIsCovered()
    {
        var names = AllStatements().Select(s => s.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        // The schema script is split on GO into its batches, each parsed on its own.
        Assert.Contains(names, n => n.StartsWith("001_initial.sql batch ", StringComparison.Ordinal));
        foreach (var table in Tables.All)
        {
            Assert.Contains($"Merge {table.Name}", names);
        }
        Assert.Contains("Upsert certificates", names);
        Assert.Contains(nameof(StoreSql.FindCertificate), names);
        Assert.True(Dialect.SplitStatements(Dialect.MigrationScripts().Single(s => s.Name == "001_initial.sql").Sql).Count() > 10);
        Assert.Contains(names, n => n.StartsWith("002_partner_keys.sql batch ", StringComparison.Ordinal));
        Assert.Contains("PartnerKeys.InsertSql", names);
    }
}
