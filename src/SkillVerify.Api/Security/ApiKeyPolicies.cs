using Microsoft.AspNetCore.Authorization;

namespace SkillVerify.Api.Security;

/// <summary>
/// The authorization policies route groups set with <c>RequireAuthorization(…)</c>. Each is one
/// <see cref="ApiKeyRequirement"/>: the kind of key it needs (or none) and the scope that key must carry.
/// Scopes that depend on the request body (the province of each code, ID-number matching) are checked by the
/// endpoints themselves, per item (<c>PartnerAccess.ScopeError</c>).
/// </summary>
public static class ApiKeyPolicies
{
    /// <summary>An admin or issuing-body key (<c>Admin:ApiKeys</c>; the two are one list today): admin writes, QR images.</summary>
    public const string Admin = "admin";

    /// <summary>A partner key.</summary>
    public const string Partner = "partner";

    /// <summary>A partner key whose scope allows batches.</summary>
    public const string PartnerBatch = "partner-batch";

    /// <summary>Anyone; a key, when sent, must authenticate (an admin key is welcome, with no partner privileges).</summary>
    public const string OptionalPartner = "partner-optional";

    internal static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Admin, p => p.AddRequirements(new ApiKeyRequirement(ApiCaller.AdminRole, null)));
        options.AddPolicy(Partner, p => p.AddRequirements(new ApiKeyRequirement(ApiCaller.PartnerRole, null)));
        options.AddPolicy(PartnerBatch, p => p.AddRequirements(new ApiKeyRequirement(ApiCaller.PartnerRole, ApiCaller.Batch)));
        options.AddPolicy(OptionalPartner, p => p.AddRequirements(new ApiKeyRequirement(null, null)));
    }

    /// <summary>How the OpenAPI document describes each policy (its security requirement and the key it names).</summary>
    internal static IEnumerable<OpenApi.ApiKeyMetadata> Descriptions =>
    [
        new(Admin, true, "管理员或发证机构的 API 密钥", "an admin or issuing-body key"),
        new(Partner, true, "合作方 API 密钥", "a partner key"),
        new(PartnerBatch, true, "合作方 API 密钥", "a partner key"),
        new(OptionalPartner, false, "可选：合作方 API 密钥", "optional: a partner key"),
    ];
}

/// <summary>
/// A policy's rule: a caller in <see cref="Role"/> (any caller when null) whose key carries <see cref="Scope"/> (when
/// set), and in every case no key that failed to authenticate. Its own handler (the framework's pass-through).
/// </summary>
public sealed class ApiKeyRequirement(string? role, string? scope) : IAuthorizationRequirement, IAuthorizationHandler
{
    public string? Role { get; } = role;

    public string? Scope { get; } = scope;

    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        var failed = context.Resource is HttpContext http && ApiKeyAuthentication.Failure(http) is not null;
        if (!failed && (Role is null || context.User.IsInRole(Role)) && (Scope is null || context.User.HasClaim(ApiCaller.ScopeClaim, Scope)))
        {
            context.Succeed(this);
        }
        return Task.CompletedTask;
    }

    /// <summary>What a refused caller is told: the failed key's own reason where the policy cares for it, else what the policy needs.</summary>
    public ApiKeyDenial Denial(HttpContext context)
    {
        var failure = ApiKeyAuthentication.Failure(context);
        if (failure == ApiKeyDenial.KeyInQuery)
        {
            return failure;
        }
        if (Role == ApiCaller.AdminRole)
        {
            // Anonymous, a wrong key and a partner key alike: an admin key is what is wanted.
            return ApiKeyDenial.AdminKeyRequired;
        }
        if (failure is not null)
        {
            return failure;
        }
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return ApiKeyDenial.KeyRequired;
        }
        if (Role is not null && !context.User.IsInRole(Role))
        {
            // An admin key where a partner key is needed is no partner key.
            return ApiKeyDenial.KeyInvalid;
        }
        // The one scope a policy asks for.
        return ApiKeyDenial.BatchNotAllowed;
    }
}

/// <summary>A refusal of an <c>X-Api-Key</c> caller: the status, the stable code and the sentences of its problem answer.</summary>
public sealed record ApiKeyDenial(int Status, string Code, string MessageZh, string MessageEn)
{
    public static readonly ApiKeyDenial KeyInQuery = new(StatusCodes.Status400BadRequest, "auth.key_in_query",
        "API 密钥不能放在网址中，请使用 X-Api-Key 请求头。", "API keys are refused in URLs; send the key in the X-Api-Key header.");

    public static readonly ApiKeyDenial AdminKeyRequired = new(StatusCodes.Status401Unauthorized, "auth.admin_key_required",
        "需要有效的管理员 API 密钥（X-Api-Key 请求头）。", "A valid admin API key is required in the X-Api-Key header.");

    public static readonly ApiKeyDenial KeyRequired = new(StatusCodes.Status401Unauthorized, "auth.key_required",
        "需要合作方 API 密钥（X-Api-Key 请求头）。", "A partner API key is required in the X-Api-Key header.");

    public static readonly ApiKeyDenial KeyExpired = new(StatusCodes.Status401Unauthorized, "auth.key_expired", "该 API 密钥已过期。", "This API key has expired.");

    public static readonly ApiKeyDenial KeyRevoked = new(StatusCodes.Status401Unauthorized, "auth.key_revoked", "该 API 密钥已被吊销。", "This API key has been revoked.");

    public static readonly ApiKeyDenial KeyInvalid = new(StatusCodes.Status401Unauthorized, "auth.key_invalid", "API 密钥无效。", "The API key is not valid.");

    public static readonly ApiKeyDenial BatchNotAllowed = new(StatusCodes.Status403Forbidden, "auth.batch_not_allowed",
        "该 API 密钥无权使用批量核验。", "This API key may not use batch verification.");
}
