using System.Globalization;
using System.Text.Json.Nodes;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Credentials;

/// <summary>Settings under <c>Credentials</c>: how often a verifier should fetch the status list again, and how long a fetched list may serve.</summary>
public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>The status list's <c>ttl</c> and Cache-Control max-age: a verifier refetches after this (default 5 minutes).</summary>
    public int StatusListRefreshSeconds { get; set; } = 300;

    /// <summary>The status list's <c>exp</c> after its <c>iat</c>: an offline verifier may decide with its last list this long (default 1 day).</summary>
    public int StatusListValiditySeconds { get; set; } = 86400;

    public TimeSpan StatusListRefresh => TimeSpan.FromSeconds(Math.Clamp(StatusListRefreshSeconds, 10, 86400));

    public TimeSpan StatusListValidity => TimeSpan.FromSeconds(Math.Clamp(StatusListValiditySeconds, 60, 30 * 86400));
}

/// <summary>
/// A certificate as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): typ <c>dc+sd-jwt</c>, signed ES256 with the service's
/// published keys. Always visible: code, level, occupation and 工种, issuer, issue date, standing (and the T/S term);
/// selectively disclosable: the holder's masked name and masked ID number — the service holds only masked forms
/// and keyed hashes (domain.md §6), so these are all it can put in. Two decoy digests keep the count of
/// <c>_sd</c> entries the same whether or not an ID number is in the file.
/// </summary>
public static class CredentialIssuer
{
    public const string TokenType = "dc+sd-jwt";
    public const string Vct = "urn:skillverify:vct:skill-level-certificate:1";
    public const string NameClaim = "holder_name_masked";
    public const string IdClaim = "id_number_masked";

    /// <summary>The claims a holder chooses to show or not.</summary>
    public static readonly IReadOnlyList<string> SelectiveClaims = [NameClaim, IdClaim];

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static string Issue(CertificateDto certificate, string? idNumberMasked, long statusIdx, string baseUrl, SigningKeys keys, DateTimeOffset now)
    {
        var standing = certificate.Standing ?? "current";
        var disclosures = new List<SdJwt.Disclosure>();
        if (!string.IsNullOrEmpty(certificate.HolderNameMasked))
        {
            disclosures.Add(SdJwt.CreateDisclosure(NameClaim, certificate.HolderNameMasked));
        }
        if (!string.IsNullOrEmpty(idNumberMasked))
        {
            disclosures.Add(SdJwt.CreateDisclosure(IdClaim, idNumberMasked));
        }
        var digests = disclosures.Select(d => d.Digest).ToList();
        while (digests.Count < SelectiveClaims.Count + 2)
        {
            digests.Add(SdJwt.CreateDisclosure("decoy", null).Digest);
        }
        digests.Sort(StringComparer.Ordinal);

        var payload = new JsonObject
        {
            ["iss"] = baseUrl,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["vct"] = Vct,
        };
        // A credential stating a current 特级技师/首席技师 title ends with the appointment term; the status list says so too.
        if (standing == "current" && certificate.AppointmentTerm is { } term
            && DateOnly.TryParseExact(term.To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var termTo))
        {
            payload["exp"] = new DateTimeOffset(termTo.ToDateTime(new TimeOnly(23, 59, 59)), ChinaOffset).ToUnixTimeSeconds();
        }
        payload["status"] = new JsonObject
        {
            ["status_list"] = new JsonObject { ["idx"] = statusIdx, ["uri"] = StatusListPublisher.Uri(baseUrl) },
        };
        payload["certificate_code"] = certificate.Code;
        payload["level"] = new JsonObject
        {
            ["code"] = certificate.Level.Code,
            ["name_zh"] = certificate.Level.Name,
            ["name_en"] = certificate.Level.NameEn,
        };
        payload["occupation"] = new JsonObject
        {
            ["code"] = certificate.Occupation.Code,
            ["name_zh"] = certificate.Occupation.Name,
            ["work_type_zh"] = certificate.Occupation.WorkType,
        };
        payload["issuer"] = new JsonObject
        {
            ["code"] = certificate.Issuer.Code,
            ["name_zh"] = certificate.Issuer.Name,
        };
        payload["issue_date"] = certificate.IssueDate;
        payload["standing"] = new JsonObject
        {
            ["value"] = standing,
            ["label_zh"] = StandingZh(standing),
            ["label_en"] = StandingEn(standing),
            ["since"] = certificate.StandingSince,
        };
        if (certificate.AppointmentTerm is { } t)
        {
            payload["appointment_term"] = new JsonObject { ["from"] = t.From, ["to"] = t.To };
        }
        payload["labels"] = Labels();
        payload["_sd"] = new JsonArray([.. digests.Select(d => (JsonNode)d)]);
        payload["_sd_alg"] = SdJwt.HashAlgorithm;

        var jws = SdJwt.SignJws(new JsonObject { ["typ"] = TokenType }, payload, keys);
        return SdJwt.Serialize(jws, disclosures.Select(d => d.Encoded));
    }

    public static string StandingZh(string standing) => standing switch
    {
        "current" => "现行有效",
        "historical" => "历史称号",
        "not_yet_in_force" => "尚未生效",
        _ => "待复核确认",
    };

    public static string StandingEn(string standing) => standing switch
    {
        "current" => "current",
        "historical" => "historical title",
        "not_yet_in_force" => "not yet in force",
        _ => "awaiting review",
    };

    /// <summary>What each claim is called, Chinese and English, for a wallet or verifier that shows the claims as they are.</summary>
    public static readonly IReadOnlyList<(string Claim, string Zh, string En)> ClaimLabels =
    [
        ("certificate_code", "证书编号", "Certificate number"),
        ("level", "职业技能等级", "Skill level"),
        ("occupation", "职业（工种）", "Occupation (work type)"),
        ("issuer", "评价机构", "Assessment organization"),
        ("issue_date", "发证日期", "Date of issue"),
        ("standing", "证书状态", "Standing"),
        ("appointment_term", "聘任期", "Appointment term"),
        (NameClaim, "持证人姓名（部分隐去）", "Holder's name (partly hidden)"),
        (IdClaim, "证件号码（部分隐去）", "ID number (partly hidden)"),
    ];

    private static JsonObject Labels()
    {
        var zh = new JsonObject();
        var en = new JsonObject();
        foreach (var (claim, z, e) in ClaimLabels)
        {
            zh[claim] = z;
            en[claim] = e;
        }
        return new JsonObject { ["zh"] = zh, ["en"] = en };
    }
}
