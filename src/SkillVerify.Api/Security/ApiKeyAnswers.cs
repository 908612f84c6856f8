using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SkillVerify.Api.Infrastructure;

namespace SkillVerify.Api.Security;

/// <summary>
/// Writes a refused request's problem answer (400 for a key in the URL, 401 with <c>WWW-Authenticate</c>, 403) instead
/// of the framework's bare challenge or forbid: the status, <c>code</c> and sentences come from the policy's
/// <see cref="ApiKeyRequirement.Denial"/>.
/// </summary>
public sealed class ApiKeyAnswers : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler framework = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || policy.Requirements.OfType<ApiKeyRequirement>().FirstOrDefault() is not { } requirement)
        {
            return framework.HandleAsync(next, context, policy, authorizeResult);
        }
        var denial = requirement.Denial(context);
        var title = denial.Status switch
        {
            StatusCodes.Status400BadRequest => "The request is not valid.",
            StatusCodes.Status401Unauthorized => "Unauthorized.",
            _ => "Forbidden.",
        };
        // A 401 gets its WWW-Authenticate from Problems.Customize, as every 401 does.
        return Problems.Create(denial.Status, title, denial.Code, denial.MessageZh, denial.MessageEn, null).ExecuteAsync(context);
    }
}
