using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Credentials;

/// <summary>What a presented credential says, once checked: the outcome, every check, and only the claims it shows.</summary>
public sealed record CredentialVerification(string Outcome, IReadOnlyList<CheckDto> Checks, JsonObject? Claims, IReadOnlyList<string> Disclosed, string? KeyId, long? IssuedAt, long? ExpiresAt);

/// <summary>
/// Checks a presented SD-JWT VC issued by this service: the JWS signature (Microsoft.IdentityModel.JsonWebTokens)
/// with a published key whose window covers the credential's <c>iat</c>, every disclosure's digest, expiry, and the
/// status list bit. A bad signature, a forged disclosure, an expired or revoked credential is INVALID; a list that
/// cannot be had (or is past its <c>exp</c>) is UNKNOWN; an index the list does not hold is NOT_FOUND.
/// </summary>
public sealed class CredentialVerifier(SigningKeys keys)
{
    public const int MaxLength = 16 * 1024;
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);
    private static readonly JsonWebTokenHandler Handler = new();

    /// <param name="statusList">Fetches the status list token at a URI; null or an exception when it cannot be had.</param>
    public async Task<CredentialVerification> VerifyAsync(string presented, string issuer, Func<string, CancellationToken, Task<string?>> statusList,
        IReadOnlyCollection<string> requiredClaims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var checks = new List<CheckDto>();
        CredentialVerification Stop(string outcome) => new(outcome, checks, null, [], null, null, null);

        var parts = presented.Trim().Split('~');
        if (parts.Length < 2 || parts[0].Count(c => c == '.') != 2 || parts[1..^1].Any(p => p.Length == 0))
        {
            checks.Add(Fail("format", "credential.malformed", "内容不是完整的 SD-JWT 电子证书（可能缺字或被改动）。", "This is not a complete SD-JWT credential (text missing or altered)."));
            return Stop("INVALID");
        }
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(parts[0]);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            checks.Add(Fail("format", "credential.malformed", "电子证书的签名部分无法读取（可能被改动）。", "The credential's signed part cannot be read (it may have been altered)."));
            return Stop("INVALID");
        }
        if (jwt.Typ != CredentialIssuer.TokenType || jwt.Alg != "ES256")
        {
            checks.Add(Fail("format", "credential.type", "这不是本服务签发的电子证书类型（typ 应为 dc+sd-jwt，alg 应为 ES256）。", "This is not the credential type this service issues (typ dc+sd-jwt, alg ES256)."));
            return Stop("INVALID");
        }
        checks.Add(Pass("format", "credential.format", "格式为 SD-JWT VC。", "The format is SD-JWT VC."));

        var payload = ReadPayload(parts[0]);
        if (payload is null)
        {
            checks.Add(Fail("signature", "credential.malformed", "电子证书的内容无法读取（可能被改动）。", "The credential's content cannot be read (it may have been altered)."));
            return Stop("INVALID");
        }
        if (payload["iss"]?.GetValueKind() != JsonValueKind.String || (string)payload["iss"]! != issuer)
        {
            checks.Add(Unknown("issuer", "credential.issuer_elsewhere", "该电子证书不是本服务签发的，本服务无法核验；请到签发机构的核验服务核验。",
                "This credential was not issued by this service, which cannot check it; check it with its issuer's verification service."));
            return Stop("UNKNOWN");
        }
        var iat = payload["iat"] is JsonValue iatValue && iatValue.TryGetValue<long>(out var i) ? i : (long?)null;
        if (!keys.TryFind(jwt.Kid ?? "", out var key))
        {
            checks.Add(Fail("signing_key", "credential.key_not_published", "签名所用的密钥未公布或已停用：电子证书不可信。", "The signing key is not published or has been retired: the credential cannot be trusted."));
            return Stop("INVALID");
        }
        if (iat is null || !key.CoversInstant(DateTimeOffset.FromUnixTimeSeconds(iat.Value)))
        {
            checks.Add(Fail("signing_key", "credential.outside_key_window", "签发时间不在签名密钥的有效期内：电子证书不可信。", "The credential was signed outside its key's validity window: it cannot be trusted."));
            return Stop("INVALID");
        }
        var result = await Handler.ValidateTokenAsync(jwt, Parameters(key, CredentialIssuer.TokenType));
        if (!result.IsValid)
        {
            checks.Add(Fail("signature", "credential.signature", "签名不符：电子证书被改动过，或不是本服务签发的。", "The signature does not hold: the credential was altered, or not issued by this service."));
            return Stop("INVALID");
        }
        checks.Add(Pass("signature", "credential.signature", $"签名有效（密钥 {key.KeyId}）。", $"The signature holds (key {key.KeyId})."));

        // Disclosures: each must be one the issuer committed to in _sd, once.
        var digests = payload["_sd"] is JsonArray sd ? sd.Select(d => d?.GetValueKind() == JsonValueKind.String ? (string)d! : "").ToHashSet(StringComparer.Ordinal) : [];
        var claims = new JsonObject();
        foreach (var (name, value) in payload)
        {
            if (name is not ("_sd" or "_sd_alg" or "iss" or "iat" or "exp" or "nbf" or "vct" or "status" or "cnf"))
            {
                claims[name] = value?.DeepClone();
            }
        }
        var disclosed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var forged = (string?)payload["_sd_alg"] != SdJwt.HashAlgorithm;
        foreach (var encoded in parts[1..^1])
        {
            var disclosure = SdJwt.ReadDisclosure(encoded);
            if (disclosure is null || !digests.Contains(disclosure.Digest) || !seen.Add(disclosure.Digest) || payload.ContainsKey(disclosure.Name) || claims.ContainsKey(disclosure.Name))
            {
                forged = true;
                break;
            }
            claims[disclosure.Name] = disclosure.Value?.DeepClone();
            disclosed.Add(disclosure.Name);
        }
        if (forged)
        {
            checks.Add(Fail("disclosures", "credential.disclosure_forged", "有一项选择性披露的内容不是签发时的原样（被伪造或改动）。", "A disclosed item is not what was issued (forged or altered)."));
            return Stop("INVALID");
        }
        checks.Add(Pass("disclosures", "credential.disclosures", disclosed.Count == 0 ? "未披露任何可选信息。" : $"披露了 {disclosed.Count} 项可选信息，均与签发时一致。",
            disclosed.Count == 0 ? "No optional item is disclosed." : $"{disclosed.Count} optional item(s) disclosed, each as issued."));

        var exp = payload["exp"] is JsonValue expValue && expValue.TryGetValue<long>(out var e) ? e : (long?)null;
        var outcome = "VALID";
        if (exp is { } expires && now > DateTimeOffset.FromUnixTimeSeconds(expires) + Skew)
        {
            checks.Add(Fail("expiry", "credential.expired", "电子证书已过有效期（如特级技师、首席技师的聘任期已满），请持证人重新下载。",
                "The credential has expired (e.g. the 特级技师/首席技师 appointment term ended); the holder can download a new one."));
            outcome = "INVALID";
        }
        else if (DateTimeOffset.FromUnixTimeSeconds(iat!.Value) > now + Skew)
        {
            checks.Add(Fail("expiry", "credential.issued_in_future", "签发时间晚于现在：电子证书不可信。", "The credential is dated in the future: it cannot be trusted."));
            outcome = "INVALID";
        }
        else
        {
            checks.Add(Pass("expiry", "credential.in_force", exp is null ? "电子证书长期有效（以状态列表为准）。" : "电子证书在有效期内。",
                exp is null ? "The credential does not expire (the status list decides)." : "The credential is within its validity."));
        }

        var (status, statusOutcome) = await CheckStatusAsync(payload, statusList, now, cancellationToken);
        checks.Add(status);
        outcome = Worst(outcome, statusOutcome);

        var missing = requiredClaims.Where(c => !claims.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            checks.Add(Fail("required_claims", "credential.required_not_disclosed", $"核验方要求的信息未披露：{string.Join("、", missing)}。", $"Items the verifier asked for are not disclosed: {string.Join(", ", missing)}."));
            outcome = Worst(outcome, "INVALID");
        }
        return new CredentialVerification(outcome, checks, claims, disclosed, key.KeyId, iat, exp);
    }

    /// <summary>The status list's word on the credential, and the outcome it makes: an index the list does not hold is NOT_FOUND (no record of issuing it).</summary>
    private async Task<(CheckDto Check, string Outcome)> CheckStatusAsync(JsonObject payload, Func<string, CancellationToken, Task<string?>> fetch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (payload["status"]?["status_list"] is not JsonObject reference || reference["uri"]?.GetValueKind() != JsonValueKind.String
            || reference["idx"] is not JsonValue idxValue || !idxValue.TryGetValue<long>(out var idx) || idx < 0)
        {
            return Decided(Fail("status", "status.missing", "电子证书没有状态列表引用：无法确认是否已撤销。", "The credential has no status list reference: whether it was revoked cannot be told."));
        }
        var uri = (string)reference["uri"]!;
        string? token;
        try
        {
            token = await fetch(uri, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            token = null;
        }
        if (token is null)
        {
            return Decided(Unknown("status", "status.unreachable", "暂时取不到状态列表，无法确认电子证书是否已被撤销。", "The status list cannot be fetched now, so whether the credential was revoked cannot be told."));
        }
        JsonWebToken list;
        try
        {
            list = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return Decided(Unknown("status", "status.list_unreadable", "状态列表无法读取。", "The status list cannot be read."));
        }
        if (list.Typ != StatusList.TokenType || !keys.TryFind(list.Kid ?? "", out var key)
            || !(await Handler.ValidateTokenAsync(list, Parameters(key, StatusList.TokenType))).IsValid
            || ReadPayload(token) is not { } listPayload || (string?)listPayload["sub"] != uri)
        {
            return Decided(Unknown("status", "status.list_signature", "状态列表的签名不符或不是本证书的列表：不能据此判断。", "The status list's signature does not hold, or it is not this credential's list: it cannot decide."));
        }
        if (listPayload["exp"] is JsonValue le && le.TryGetValue<long>(out var listExp) && now > DateTimeOffset.FromUnixTimeSeconds(listExp) + Skew)
        {
            return Decided(Unknown("status", "status.list_expired", "手头的状态列表已过期，请联网取得新的列表。", "The status list at hand has expired; fetch a new one."));
        }
        if (listPayload["status_list"] is not JsonObject sl || sl["bits"]?.GetValueKind() != JsonValueKind.Number || (int)sl["bits"]! != 1
            || sl["lst"]?.GetValueKind() != JsonValueKind.String || StatusList.Decode((string)sl["lst"]!) is not { } bits)
        {
            return Decided(Unknown("status", "status.list_unreadable", "状态列表无法读取。", "The status list cannot be read."));
        }
        if (idx >= bits.LongLength * 8)
        {
            return (Unknown("status", "status.not_listed", "状态列表中没有这张电子证书：签发方没有签发它的记录。", "The status list holds no entry for this credential: its issuer has no record of issuing it."), "NOT_FOUND");
        }
        return Decided(StatusList.Get(bits, idx)
            ? Fail("status", "status.invalid", "状态列表显示该电子证书已失效（证书被撤销，或所述状态已改变）。", "The status list marks this credential invalid (the certificate was revoked, or its stated standing changed).")
            : Pass("status", "status.valid", "状态列表显示该电子证书有效。", "The status list marks this credential valid."));

        static (CheckDto, string) Decided(CheckDto check) => (check, check.Status switch { "fail" => "INVALID", "unknown" => "UNKNOWN", _ => "VALID" });
    }

    private static TokenValidationParameters Parameters(SigningKey key, string type) => new()
    {
        IssuerSigningKey = new ECDsaSecurityKey(key.Key) { KeyId = key.KeyId },
        ValidTypes = [type],
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        // Issuer, lifetime and key window are checked here, against the caller's clock: the library checks the signature.
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        TryAllIssuerSigningKeys = false,
    };

    private static JsonObject? ReadPayload(string jws)
    {
        try
        {
            return JsonNode.Parse(Base64UrlEncoder.DecodeBytes(jws.Split('.')[1])) as JsonObject;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string Worst(string a, string b)
    {
        static int Rank(string o) => o switch { "INVALID" => 3, "NOT_FOUND" => 2, "UNKNOWN" => 1, _ => 0 };
        return Rank(a) >= Rank(b) ? a : b;
    }

    private static CheckDto Pass(string name, string code, string zh, string en) => new(name, "pass", code, zh, en);

    private static CheckDto Fail(string name, string code, string zh, string en) => new(name, "fail", code, zh, en);

    private static CheckDto Unknown(string name, string code, string zh, string en) => new(name, "unknown", code, zh, en);
}
