namespace SkillVerify.Api.Observability;

/// <summary>
/// How a verification reached the service: the <c>channel</c> of the holder-check budget, the metrics and the
/// audit records. A fixed vocabulary: anything else is counted as <see cref="Other"/>.
/// </summary>
public static class VerificationChannels
{
    /// <summary>POST /api/v1/verifications (anonymous or keyed).</summary>
    public const string Api = "api";

    /// <summary>Each item of POST /api/v1/verifications/batch (partner keys).</summary>
    public const string Batch = "batch";

    /// <summary>POST /api/v1/scans: what a phone's scanner read.</summary>
    public const string Scan = "scan";

    /// <summary>The QR landing page: GET /v/{code}?t=… and its name form, POST /v/{code}.</summary>
    public const string MobilePage = "page";

    /// <summary>The web pages' forms for people (home, report).</summary>
    public const string WebForm = "web";

    /// <summary>Each row of a spreadsheet checked through the pages.</summary>
    public const string Spreadsheet = "spreadsheet";

    /// <summary>A code of another province forwarded to its instance (跨区域互认).</summary>
    public const string Federation = "federation";

    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Api, Batch, Scan, MobilePage, WebForm, Spreadsheet, Federation];

    /// <summary>The channel as a metric tag: one of <see cref="All"/>, never a caller-chosen string.</summary>
    public static string Tag(string? channel) => channel switch
    {
        Api => Api,
        Batch => Batch,
        Scan => Scan,
        MobilePage => MobilePage,
        WebForm => WebForm,
        Spreadsheet => Spreadsheet,
        Federation => Federation,
        _ => Other,
    };
}
