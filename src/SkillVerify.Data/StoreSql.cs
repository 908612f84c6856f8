namespace SkillVerify.Data;

/// <summary>
/// The queries <see cref="DapperStore"/> sends, shared by every engine. Public so tests can parse every
/// statement a dialect ships (the ScriptDom test for SQL Server).
/// </summary>
public static class StoreSql
{
    public static readonly string FindCertificate = $"""
            SELECT {Tables.Certificates.ColumnList()}
            FROM certificates
            WHERE code = @code
            """;

    private const string Owner = "organization_code";

    public static readonly string FindOrganization = $"""
            SELECT {Tables.Organizations.ColumnList()}
            FROM organizations WHERE code = @code;
            SELECT {Tables.StatusEvents.ColumnListWithout(Owner)}, seq
            FROM organization_status_events WHERE organization_code = @code ORDER BY seq;
            SELECT corrects_seq, reason, recorded_at
            FROM organization_status_corrections WHERE organization_code = @code;
            SELECT {Tables.Scopes.ColumnListWithout(Owner)}
            FROM organization_scopes WHERE organization_code = @code ORDER BY occupation_code, work_type, valid_from;
            SELECT {Tables.Aliases.ColumnListWithout(Owner)}
            FROM organization_aliases WHERE organization_code = @code ORDER BY alias;
            SELECT {Tables.QualityResults.ColumnListWithout(Owner)}
            FROM organization_quality_results WHERE organization_code = @code ORDER BY published_on;
            """;

    /// <summary><see cref="FindOrganization"/> for the whole registry, each child row with its owner first (the API's in-memory registry).</summary>
    public static readonly string AllOrganizations = $"""
            SELECT {Tables.Organizations.ColumnList()}
            FROM organizations;
            SELECT organization_code, corrects_seq, reason, recorded_at
            FROM organization_status_corrections;
            SELECT organization_code, {Tables.StatusEvents.ColumnListWithout(Owner)}, seq
            FROM organization_status_events ORDER BY organization_code, seq;
            SELECT organization_code, {Tables.Scopes.ColumnListWithout(Owner)}
            FROM organization_scopes ORDER BY organization_code, occupation_code, work_type, valid_from;
            SELECT organization_code, {Tables.Aliases.ColumnListWithout(Owner)}
            FROM organization_aliases ORDER BY organization_code, alias;
            SELECT organization_code, {Tables.QualityResults.ColumnListWithout(Owner)}
            FROM organization_quality_results ORDER BY organization_code, published_on;
            """;

    public const string Snapshot = "SELECT version, updated_at FROM registry_snapshot WHERE id = 1";

    public const string RevokeCertificate = """
            UPDATE certificates
            SET status = 'revoked', revoked_on = @effectiveDate, revocation_reason = @reason, updated_at = @now
            WHERE code = @code
            """;

    public const string StatusEventSeq = """
            SELECT seq FROM organization_status_events
            WHERE organization_code = @OrganizationCode AND effective_date = @EffectiveDate AND status = @Status
            """;

    public const string StatusEventState = """
            SELECT COUNT(*) FROM organization_status_events e
            WHERE e.organization_code = @organizationCode AND e.seq = @seq;
            SELECT COUNT(*) FROM organization_status_corrections c
            WHERE c.organization_code = @organizationCode AND c.corrects_seq = @seq;
            """;

    public const string InsertCorrection = """
            INSERT INTO organization_status_corrections (organization_code, corrects_seq, reason, recorded_at)
            VALUES (@organizationCode, @seq, @reason, @now)
            """;

    public const string CountCertificates = "SELECT COUNT(*) FROM certificates";

    public const string AllCertificateCodes = "SELECT code FROM certificates";

    public const string AppliedMigrations = "SELECT script FROM schema_migrations";

    public const string RecordMigration = "INSERT INTO schema_migrations (script, applied_at) VALUES (@name, @at)";

    public const string SelectOne = "SELECT 1";

    public const string OrganizationExists = "SELECT COUNT(*) FROM organizations WHERE code = @organizationCode";

    public const string TouchOrganization = "UPDATE organizations SET updated_at = @now WHERE code = @organizationCode";

    public const string BumpSnapshot = "UPDATE registry_snapshot SET version = version + 1, updated_at = @now WHERE id = 1";

    /// <summary>The organization search: a count and one page, with the filters that are set.</summary>
    public static string SearchOrganizations(SqlDialect dialect, bool province, bool type, bool text, bool occupation)
    {
        var where = new List<string>();
        if (province) { where.Add("o.province = @Province"); }
        if (type) { where.Add("o.type = @Type"); }
        // @Text comes escaped (EscapeLike): % _ [ and the escape character itself match only themselves, on every engine.
        if (text) { where.Add($"(o.name LIKE {dialect.Concat("'%'", "@Text", "'%'")} ESCAPE '!' OR o.code LIKE {dialect.Concat("@Text", "'%'")} ESCAPE '!')"); }
        if (occupation)
        {
            where.Add("EXISTS (SELECT 1 FROM organization_scopes s WHERE s.organization_code = o.code AND s.occupation_code = @Occupation)");
        }
        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        return $"""
            SELECT COUNT(*) FROM organizations o {filter};
            SELECT o.code, o.type, o.name, o.province, o.parent_code, o.registered_from, o.registered_to
            FROM organizations o {filter}
            ORDER BY o.code
            {dialect.Page};
            """;
    }

    /// <summary>Every statement the store can send through <paramref name="dialect"/>, named.</summary>
    public static IEnumerable<(string Name, string Sql)> All(SqlDialect dialect)
    {
        yield return (nameof(FindCertificate), FindCertificate);
        yield return (nameof(FindOrganization), FindOrganization);
        yield return (nameof(Snapshot), Snapshot);
        yield return (nameof(RevokeCertificate), RevokeCertificate);
        yield return (nameof(StatusEventSeq), StatusEventSeq);
        yield return (nameof(StatusEventState), StatusEventState);
        yield return (nameof(InsertCorrection), InsertCorrection);
        yield return (nameof(CountCertificates), CountCertificates);
        yield return (nameof(AllCertificateCodes), AllCertificateCodes);
        yield return (nameof(AllOrganizations), AllOrganizations);
        yield return (nameof(AppliedMigrations), AppliedMigrations);
        yield return (nameof(RecordMigration), RecordMigration);
        yield return (nameof(SelectOne), SelectOne);
        yield return (nameof(OrganizationExists), OrganizationExists);
        yield return (nameof(TouchOrganization), TouchOrganization);
        yield return (nameof(BumpSnapshot), BumpSnapshot);
        yield return ("SearchOrganizations (no filter)", SearchOrganizations(dialect, false, false, false, false));
        yield return ("SearchOrganizations (all filters)", SearchOrganizations(dialect, true, true, true, true));
        yield return (nameof(dialect.JournalDdl), dialect.JournalDdl);
        foreach (var table in Tables.All)
        {
            yield return ($"Upsert {table.Name}", dialect.Upsert(table));
        }
        foreach (var (name, script) in dialect.MigrationScripts())
        {
            var i = 0;
            foreach (var batch in dialect.SplitStatements(script))
            {
                yield return ($"{name} batch {++i}", batch);
            }
        }
    }
}
