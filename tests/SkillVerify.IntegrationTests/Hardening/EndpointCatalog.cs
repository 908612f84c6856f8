namespace SkillVerify.IntegrationTests.Hardening;

/// <summary>Where a bad input goes in a request to an endpoint.</summary>
public enum Slot
{
    /// <summary>The route parameter (<c>{code}</c>).</summary>
    Path,

    /// <summary>The query parameter <see cref="MatrixEndpoint.Field"/>.</summary>
    Query,

    /// <summary>The JSON body field <see cref="MatrixEndpoint.Field"/> (other fields from <see cref="MatrixEndpoint.BaseBody"/>).</summary>
    Json,
}

/// <summary>How an endpoint may answer a bad input in its slot.</summary>
public enum Expect
{
    /// <summary>Only a 4xx problem: the input is the thing the endpoint parses (a code, a page size).</summary>
    Rejected,

    /// <summary>A 4xx problem, or a 200 that is never VALID: a verification answers an undecodable code INVALID, a wrong name no match.</summary>
    RejectedOrNotValid,

    /// <summary>A 4xx problem or a 200: free text (a search term) or an ignored parameter.</summary>
    Answered,
}

/// <summary>One slot of one endpoint that the bad-input matrix fills.</summary>
/// <param name="BlankMeansAbsent">A blank value is the same as leaving the optional field out (an ID number), so it may be answered VALID.</param>
/// <param name="PathValue">The route parameter's value when the bad input goes elsewhere (a JSON or query slot).</param>
/// <param name="ApiKey">Sent in X-Api-Key, so the input reaches the endpoint's own validation rather than a 401.</param>
public sealed record MatrixEndpoint(string Method, string Route, Slot Slot, string Field, Expect Expect, string? BaseBody = null, bool BlankMeansAbsent = false,
    string? PathValue = null, string? ApiKey = null)
{
    public override string ToString() => $"{Method} {Route} [{Slot} {Field}]";
}

/// <summary>
/// Every endpoint the service maps, with every slot a caller controls. A new endpoint gets its lines here;
/// <see cref="BadInputMatrixTests.EveryMappedEndpointIsInTheMatrix"/> fails until it has them.
/// </summary>
public static class EndpointCatalog
{
    public const string ValidCode = "Y000044030006233000123";

    // Admin writes go to a certificate and a body no other matrix slot relies on.
    private const string RevokedCode = "S000032010101224000456";
    private const string OtherBody = "S000032010101";
    private const string AdminKey = SkillVerify.Api.Security.AdminOptions.DemoKey;

    /// <summary>Stands for a partner key the test creates on its instance (partner keys live in the database, not in settings).</summary>
    public const string PartnerKey = "<partner key created by the test>";

    public static readonly IReadOnlyList<MatrixEndpoint> Slots =
    [
        new("GET", "/api/v1/codes/{code}", Slot.Path, "code", Expect.Rejected),
        new("POST", "/api/v1/verifications", Slot.Json, "code", Expect.RejectedOrNotValid),
        new("POST", "/api/v1/verifications", Slot.Json, "holderName", Expect.RejectedOrNotValid, $$"""{"code":"{{ValidCode}}"}"""),
        new("POST", "/api/v1/verifications", Slot.Json, "idNumber", Expect.RejectedOrNotValid, $$"""{"code":"{{ValidCode}}","holderName":"王小明"}""", BlankMeansAbsent: true),
        new("GET", "/api/v1/organizations/{organizationCode}", Slot.Path, "organizationCode", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "province", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "type", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "occupation", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "page", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "pageSize", Expect.Rejected),
        new("GET", "/api/v1/organizations", Slot.Query, "q", Expect.Answered),
        new("GET", "/api/v1/levels", Slot.Query, "x", Expect.Answered),
        new("GET", "/health/live", Slot.Query, "x", Expect.Answered),
        new("GET", "/health/ready", Slot.Query, "x", Expect.Answered),
        new("GET", "/metrics", Slot.Query, "x", Expect.Answered),
        new("GET", "/openapi/v1.json", Slot.Query, "x", Expect.Answered),
        new("GET", "/", Slot.Query, "x", Expect.Answered),
        new("GET", "/docs/{documentName?}", Slot.Path, "documentName", Expect.Answered),
        new("GET", "/docs/scalar.js", Slot.Query, "x", Expect.Answered),
        new("GET", "/docs/scalar.aspnetcore.js", Slot.Query, "x", Expect.Answered),
        new("GET", "/docs/favicon.svg", Slot.Query, "x", Expect.Answered),
        new("GET", "/.well-known/jwks.json", Slot.Query, "x", Expect.Answered),
        new("GET", "/problems/", Slot.Query, "x", Expect.Answered),
        new("GET", "/problems/{code}", Slot.Path, "code", Expect.Answered),
        new("POST", "/api/v1/admin/certificates/{code}/revocation", Slot.Path, "code", Expect.Rejected, """{"reason":"测试","effectiveDate":"2025-01-01"}""", ApiKey: AdminKey),
        new("POST", "/api/v1/admin/certificates/{code}/revocation", Slot.Json, "effectiveDate", Expect.Rejected, """{"reason":"测试"}""", PathValue: RevokedCode, ApiKey: AdminKey),
        new("POST", "/api/v1/admin/certificates/{code}/revocation", Slot.Json, "reason", Expect.Answered, """{"effectiveDate":"2025-01-01"}""", PathValue: RevokedCode, ApiKey: AdminKey),
        new("POST", "/api/v1/admin/organizations/{organizationCode}/status-events", Slot.Path, "organizationCode", Expect.Rejected, """{"status":"suspended","effectiveDate":"2025-01-01","reason":"测试"}""", ApiKey: AdminKey),
        new("POST", "/api/v1/admin/organizations/{organizationCode}/status-events", Slot.Json, "status", Expect.Rejected, """{"effectiveDate":"2025-01-01","reason":"测试"}""", PathValue: OtherBody, ApiKey: AdminKey),
        new("POST", "/api/v1/admin/organizations/{organizationCode}/status-events", Slot.Json, "effectiveDate", Expect.Rejected, """{"status":"suspended","reason":"测试"}""", PathValue: OtherBody, ApiKey: AdminKey),
        new("POST", "/api/v1/admin/organizations/{organizationCode}/status-events/corrections", Slot.Path, "organizationCode", Expect.Rejected, """{"seq":1,"reason":"测试"}""", ApiKey: AdminKey),
        new("POST", "/api/v1/admin/organizations/{organizationCode}/status-events/corrections", Slot.Json, "reason", Expect.Rejected, """{"seq":1}""", PathValue: OtherBody, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/qr.png", Slot.Path, "code", Expect.Rejected, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/qr.png", Slot.Query, "scale", Expect.Rejected, BlankMeansAbsent: true, PathValue: ValidCode, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/qr.png", Slot.Query, "ecc", Expect.Rejected, BlankMeansAbsent: true, PathValue: ValidCode, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/qr.svg", Slot.Path, "code", Expect.Rejected, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/qr.svg", Slot.Query, "form", Expect.Rejected, BlankMeansAbsent: true, PathValue: ValidCode, ApiKey: AdminKey),
        new("POST", "/api/v1/scans", Slot.Json, "payload", Expect.RejectedOrNotValid),
        new("POST", "/api/v1/scans", Slot.Json, "holderName", Expect.RejectedOrNotValid, $$"""{"payload":"{{ValidCode}}"}"""),
        new("GET", "/v/{code}", Slot.Path, "code", Expect.Answered),
        new("GET", "/v/{code}", Slot.Query, "t", Expect.Answered, PathValue: ValidCode),
        new("POST", "/v/{code}", Slot.Path, "code", Expect.Answered),
        new("GET", "/api/v1/certificates/{code}/credential", Slot.Path, "code", Expect.Rejected, ApiKey: AdminKey),
        new("GET", "/api/v1/certificates/{code}/credential", Slot.Query, "t", Expect.Rejected, PathValue: ValidCode),
        new("GET", "/api/v1/credentials/status-lists/1", Slot.Query, "x", Expect.Answered),
        new("POST", "/api/v1/credentials/verifications", Slot.Json, "credential", Expect.RejectedOrNotValid),
        new("POST", "/api/v1/credentials/verifications", Slot.Json, "requiredClaims", Expect.Rejected, """{"credential":"a.b.c~"}"""),
        new("GET", "/.well-known/did.json", Slot.Query, "x", Expect.Answered),
        new("GET", "/credentials/{code}", Slot.Path, "code", Expect.Answered),
        new("GET", "/credentials/{code}", Slot.Query, "t", Expect.Answered, PathValue: ValidCode),
        new("GET", "/credentials/verify", Slot.Query, "x", Expect.Answered),
        new("POST", "/credentials/verify", Slot.Query, "x", Expect.Answered),
        // The pages for people (src/SkillVerify.Api/Pages): forms are url-encoded, so a JSON body is a 415; bad values get a page saying so.
        new("POST", "/check", Slot.Json, "code", Expect.Answered),
        new("GET", "/organizations", Slot.Query, "province", Expect.Answered),
        new("GET", "/organizations", Slot.Query, "type", Expect.Answered),
        new("GET", "/organizations", Slot.Query, "occupation", Expect.Answered),
        new("GET", "/organizations", Slot.Query, "q", Expect.Answered),
        new("GET", "/organizations", Slot.Query, "page", Expect.Answered),
        new("GET", "/organizations/{organizationCode}", Slot.Path, "organizationCode", Expect.Answered),
        new("POST", "/report", Slot.Json, "code", Expect.Answered),
        new("POST", "/report.pdf", Slot.Json, "code", Expect.Answered),
        new("GET", "/receipts", Slot.Query, "r", Expect.Answered),
        new("POST", "/receipts", Slot.Json, "receipt", Expect.Answered),
        new("GET", "/spreadsheet", Slot.Query, "x", Expect.Answered),
        new("POST", "/spreadsheet", Slot.Json, "file", Expect.Answered),
        new("POST", "/spreadsheet/results.xlsx", Slot.Json, "receipt", Expect.Answered),
        new("POST", "/spreadsheet/results.csv", Slot.Json, "receipt", Expect.Answered),
        new("GET", "/assets/site.css", Slot.Query, "x", Expect.Answered),
        new("POST", "/api/v1/receipts/check", Slot.Json, "receipt", Expect.Answered),
        new("POST", "/api/v1/verifications/batch", Slot.Json, "items", Expect.Rejected, ApiKey: PartnerKey),
        new("POST", "/api/v1/verifications/batch", Slot.Json, "receipt", Expect.Rejected, $$"""{"items":[{"code":"{{ValidCode}}","holderName":"王小明"}]}""", ApiKey: PartnerKey),
    ];

    /// <summary>The method and route of every endpoint in the matrix, as the app's route patterns spell them.</summary>
    public static IEnumerable<(string Method, string Route)> Endpoints => Slots.Select(s => (s.Method, s.Route)).Distinct();
}

/// <summary>The bad inputs, by kind. Each goes into every slot.</summary>
public static class BadInputs
{
    public static readonly IReadOnlyDictionary<string, string[]> ByKind = new Dictionary<string, string[]>
    {
        ["empty"] = ["", " ", "\t", "　"],
        ["overlong"] = [new string('Y', 65), new string('9', 200), string.Concat(Enumerable.Repeat(EndpointCatalog.ValidCode, 40)), "9999999999999999999999999999"],
        ["control"] = ["\u0000", EndpointCatalog.ValidCode + "\u0007", "Y000044030006\u0085233000123", "\u202EY000044030006233000123", "Y00004403000623\u2028" + "3000123", "\u001b[31m"],
        ["lookalike"] = ["У000044030006233000123", "Υ000044030006233000123", "Y〇〇〇044030006233000123", "Y0OO044030006233000123", "Ⓨ000044030006233000123", "𝐘000044030006233000123", "Y00004403000623З000123"],
        ["sql"] = ["' OR '1'='1", EndpointCatalog.ValidCode + "'; DROP TABLE certificates;--", "%", "_", "\\", "\"", "1; SELECT name_hash FROM certificates", "Y0000440300%", "') UNION SELECT 1--"],
        ["odd"] = ["../../etc/passwd", "%2e%2e%2f", "<script>alert(1)</script>", "😀", "\uD800", "{{7*7}}", "${jndi:ldap://127.0.0.1/a}", "-1", "0", "1e309", "NaN"],
    };

    public static IEnumerable<object[]> Kinds => ByKind.Keys.Select(k => new object[] { k });
}
