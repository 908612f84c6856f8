using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SkillVerify.Data.Partners;

namespace SkillVerify.Api.Security;

/// <summary>
/// The one <c>X-Api-Key</c> scheme: an admin or issuing-body key (<see cref="AdminKeys"/>) or a partner key
/// (<see cref="PartnerKeyDirectory"/>) becomes a caller with claims; no key is an anonymous caller; a key that is wrong,
/// expired, revoked, sent twice or sent in the URL fails with its <see cref="ApiKeyDenial"/>. Nothing here answers: the
/// policies decide whether a failure matters (<see cref="ApiKeyPolicies"/>) and <see cref="ApiKeyAnswers"/> says so.
/// A flood of random keys costs a shape check and a dictionary lookup each, and leaves nothing behind.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AdminKeys admins, PartnerKeyDirectory partners) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    /// <summary>Query parameter names that would carry a key in a URL (logged, cached, shared): always refused, admin or partner.</summary>
    private static readonly string[] KeyParameters = ["apiKey", "api_key", "api-key", "x-api-key", "key"];

    private static readonly Task<AuthenticateResult> Anonymous = Task.FromResult(AuthenticateResult.NoResult());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.QueryString.HasValue && HasKeyInQuery(Request))
        {
            return Task.FromResult(Fail(ApiKeyDenial.KeyInQuery));
        }
        var headers = Request.Headers[Header];
        if (headers.Count == 0)
        {
            return Anonymous;
        }
        var partner = headers.Count == 1 ? partners.Authenticate(headers[0]) : PartnerAuthentication.Invalid;
        if (partner is { State: PartnerKeyState.Valid, Key: { } key })
        {
            return Task.FromResult(Success(ApiCaller.ForPartner(key)));
        }
        // X-Api-Key carries both kinds: a key that is no partner's may be an admin's (compared in constant time).
        var presented = headers.ToString();
        if (admins.IsValid(presented))
        {
            return Task.FromResult(Success(ApiCaller.ForAdmin(AdminKeys.Fingerprint(presented))));
        }
        return Task.FromResult(Fail(partner.State switch
        {
            PartnerKeyState.Expired => ApiKeyDenial.KeyExpired,
            PartnerKeyState.Revoked => ApiKeyDenial.KeyRevoked,
            _ => ApiKeyDenial.KeyInvalid,
        }));
    }

    /// <summary>Whether the URL carries something named like a key (names compared case-insensitively).</summary>
    public static bool HasKeyInQuery(HttpRequest request)
    {
        foreach (var name in KeyParameters)
        {
            if (request.Query.ContainsKey(name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Why the key in this request did not authenticate; null for an anonymous or authenticated caller.</summary>
    public static ApiKeyDenial? Failure(HttpContext context) => context.Features.Get<FailureFeature>()?.Denial;

    private static AuthenticateResult Success(ClaimsPrincipal caller) => AuthenticateResult.Success(new AuthenticationTicket(caller, SchemeName));

    private AuthenticateResult Fail(ApiKeyDenial denial)
    {
        // The framework keeps only a successful result on the request (IAuthenticateResultFeature): the policies read a failure here.
        Context.Features.Set(new FailureFeature(denial));
        return AuthenticateResult.Fail(denial.Code);
    }

    private sealed record FailureFeature(ApiKeyDenial Denial);
}

/// <summary>A partner as its key's claims describe it: what the endpoints, the limits and the receipts need.</summary>
public sealed record ApiPartner(string Id, string Name, PartnerScope Scope, int RequestsPerMinute);

/// <summary>The claims an <c>X-Api-Key</c> caller carries, and the partner read back from them.</summary>
public static class ApiCaller
{
    public const string AdminRole = "admin";
    public const string PartnerRole = "partner";

    /// <summary>A scope a partner key carries: <see cref="Batch"/>, <see cref="IdMatching"/>.</summary>
    public const string ScopeClaim = "svk:scope";
    public const string Batch = "batch";
    public const string IdMatching = "id_matching";

    /// <summary>A province code the partner may query, or <c>*</c> for all.</summary>
    public const string ProvinceClaim = "svk:province";

    public const string PartnerIdClaim = "svk:partner_id";
    public const string QuotaClaim = "svk:requests_per_minute";

    /// <summary>Who asked, as audit records say it: <c>partner:{key id}</c> or <c>admin:{key fingerprint}</c>. Never the key.</summary>
    public const string WhoClaim = ClaimTypes.NameIdentifier;

    internal static ClaimsPrincipal ForAdmin(string fingerprint) => new(new ClaimsIdentity(
        [new Claim(WhoClaim, fingerprint), new Claim(ClaimTypes.Role, AdminRole)], ApiKeyAuthentication.SchemeName));

    internal static ClaimsPrincipal ForPartner(PartnerKey key)
    {
        List<Claim> claims =
        [
            new(WhoClaim, "partner:" + key.Id),
            new(ClaimTypes.Role, PartnerRole),
            new(PartnerIdClaim, key.Id),
            new(ClaimTypes.Name, key.Name),
            new(QuotaClaim, key.RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
        ];
        claims.AddRange(key.Scope.Provinces.Select(p => new Claim(ProvinceClaim, p)));
        if (key.Scope.BatchAllowed)
        {
            claims.Add(new Claim(ScopeClaim, Batch));
        }
        if (key.Scope.IdMatchingAllowed)
        {
            claims.Add(new Claim(ScopeClaim, IdMatching));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthentication.SchemeName));
    }

    /// <summary>The authenticated partner, or null for any other caller (anonymous, admin).</summary>
    public static ApiPartner? GetPartner(this HttpContext context)
    {
        var user = context.User;
        if (user.FindFirst(PartnerIdClaim)?.Value is not { } id)
        {
            return null;
        }
        var provinces = user.FindAll(ProvinceClaim).Select(c => c.Value).ToList();
        var scope = new PartnerScope(provinces, user.HasClaim(ScopeClaim, Batch), user.HasClaim(ScopeClaim, IdMatching));
        return new ApiPartner(id, user.FindFirst(ClaimTypes.Name)?.Value ?? id, scope, int.Parse(user.FindFirst(QuotaClaim)!.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Whether an admin or issuing-body key authenticated this request.</summary>
    public static bool IsAdmin(this HttpContext context) => context.User.IsInRole(AdminRole);

    /// <summary>Who asked, for audit records (see <see cref="WhoClaim"/>), or null for an anonymous caller.</summary>
    public static string? Who(this HttpContext context) => context.User.FindFirst(WhoClaim)?.Value;
}
