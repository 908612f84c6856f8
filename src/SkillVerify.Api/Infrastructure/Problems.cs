using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Api.Infrastructure;

/// <summary>RFC 9457 problem details with a stable <c>code</c> field and a sentence in Chinese and English.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string code, string messageZh, string messageEn, int? position = null) =>
        Create(StatusCodes.Status400BadRequest, "The request is not valid.", code, messageZh, messageEn, position);

    public static ProblemHttpResult InvalidCode(CodeError error) =>
        Create(StatusCodes.Status400BadRequest, "The certificate code is not valid.", error.Code, error.MessageZh, error.MessageEn, error.Position);

    public static ProblemHttpResult NotFound(string code, string messageZh, string messageEn) =>
        Create(StatusCodes.Status404NotFound, "Not found.", code, messageZh, messageEn, null);

    public static ProblemHttpResult Create(int status, string title, string code, string messageZh, string messageEn, int? position)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["messageZh"] = messageZh,
            ["messageEn"] = messageEn,
        };
        if (position is not null)
        {
            extensions["position"] = position.Value;
        }
        return TypedResults.Problem(detail: messageEn, statusCode: status, title: title, type: TypeUri(code), extensions: extensions);
    }

    /// <summary>The problem type: a stable page on this service per code (<c>/problems/{code}</c>), listing every code with its meaning.</summary>
    public static string TypeUri(string code) => "/problems/" + code;

    /// <summary>How a 401 says which credential it wants: an API key in the X-Api-Key header (RFC 9110 §11.6.1).</summary>
    public const string ApiKeyChallenge = "ApiKey realm=\"SkillVerify\", header=\"X-Api-Key\"";

    /// <summary>Gives framework-made problems (404 route, 405, 413, JSON binding) a stable code too.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var extensions = context.ProblemDetails.Extensions;
        if (!extensions.TryGetValue("code", out var code))
        {
            code = extensions["code"] = context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "http.not_found",
                StatusCodes.Status405MethodNotAllowed => "http.method_not_allowed",
                StatusCodes.Status413PayloadTooLarge => "http.payload_too_large",
                StatusCodes.Status415UnsupportedMediaType => "http.unsupported_media_type",
                StatusCodes.Status429TooManyRequests => "http.too_many_requests",
                StatusCodes.Status503ServiceUnavailable => "service.unavailable",
                int s and >= 400 and < 500 => "http.bad_request",
                _ => "server.error",
            };
        }
        if (!extensions.ContainsKey("messageZh"))
        {
            var (zh, en) = context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => ("没有这个地址。", "There is nothing at this address."),
                StatusCodes.Status405MethodNotAllowed => ("此地址不支持该请求方法。", "This address does not accept this request method."),
                StatusCodes.Status413PayloadTooLarge => ("请求体过大。", "The request body is too large."),
                StatusCodes.Status415UnsupportedMediaType => ("请求体须为 JSON（Content-Type: application/json）。", "The request body must be JSON (Content-Type: application/json)."),
                StatusCodes.Status429TooManyRequests => ("请求过于频繁，请稍后再试。", "Too many requests; try again later."),
                int s and >= 400 and < 500 => ("请求不正确。", "The request is not valid."),
                _ => ("服务内部错误。", "An internal error occurred."),
            };
            extensions["messageZh"] = zh;
            extensions["messageEn"] = en;
        }
        extensions.Remove("exception");
        // The framework's own problems (415 from routing, 405, 404) have no detail: the English sentence it is.
        context.ProblemDetails.Detail ??= extensions["messageEn"] as string;
        if (code is string text)
        {
            context.ProblemDetails.Type = TypeUri(text);
        }
        if (context.ProblemDetails.Status == StatusCodes.Status401Unauthorized)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = ApiKeyChallenge;
        }
    }
}

/// <summary>
/// Turns failures into problem details without stack traces: a data source that is down is a 503
/// with Retry-After (nothing false gets cached), a malformed request is a 4xx, anything else a plain 500.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string code, zh, en;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                code = status == StatusCodes.Status413PayloadTooLarge ? "http.payload_too_large" : "http.bad_request";
                zh = "请求格式不正确。";
                en = "The request is malformed.";
                break;
            case DataSourceUnavailableException or DbException or TimeoutException:
                status = StatusCodes.Status503ServiceUnavailable;
                code = "service.unavailable";
                zh = "数据源暂时不可用，请稍后重试。";
                en = "The data source is unavailable right now; try again shortly.";
                httpContext.Response.Headers.RetryAfter = "5";
                DataSourceUnavailable(logger, exception.GetType().Name);
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return true;
            default:
                status = StatusCodes.Status500InternalServerError;
                code = "server.error";
                zh = "服务内部错误。";
                en = "An internal error occurred.";
                Unhandled(logger, exception.GetType().FullName, httpContext.GetEndpoint()?.DisplayName);
                break;
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = null,
            ProblemDetails =
            {
                Status = status,
                Title = en,
                Detail = en,
                Extensions = { ["code"] = code, ["messageZh"] = zh, ["messageEn"] = en },
            },
        });
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Data source unavailable: {Error}")]
    private static partial void DataSourceUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Unhandled {Error} at {Endpoint}")]
    private static partial void Unhandled(ILogger logger, string? error, string? endpoint);
}

/// <summary>Thrown when the database cannot be reached, whatever the engine.</summary>
public sealed class DataSourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
