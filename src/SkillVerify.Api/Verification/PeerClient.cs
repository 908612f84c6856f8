using System.Net.Http.Json;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Partners;

namespace SkillVerify.Api.Verification;

/// <summary>
/// Forwards a verification to a peer province's instance. The HttpClient behind it carries the
/// resilience pipeline (total timeout, retries with jitter, a circuit breaker per peer); any failure
/// comes back as null, which the caller turns into UNKNOWN. A peer's answer is read only up to
/// <see cref="MaxAnswerBytes"/> and relayed only if it is a well-formed verification about the code asked
/// (<see cref="IsWellFormed"/>): a peer cannot grow this process's memory or put words in its mouth.
/// </summary>
public sealed partial class PeerClient(HttpClient http, ILogger<PeerClient> logger)
{
    /// <summary>Marks a forwarded request, so the peer answers from its own data and never forwards again (no loops).</summary>
    public const string ForwardedHeader = "X-SkillVerify-Forwarded";

    /// <summary>A verification answer is a few kilobytes; anything much larger is not one.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    private const int MaxChecks = 32;
    private const int MaxTextLength = 1_000;

    public async Task<VerificationResponse?> ForwardAsync(string province, PeerOptions peer, VerificationRequest body, CancellationToken cancellationToken)
    {
        var codeAsked = body.Code;
        var url = new Uri(new Uri(peer.BaseUrl.TrimEnd('/') + "/"), "api/v1/verifications");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(body, VerificationJson.Default.VerificationRequest),
        };
        request.Headers.Add(PartnerAccess.Header, peer.ApiKey);
        request.Headers.Add(ForwardedHeader, "1");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                PeerAnswered(logger, province, (int)response.StatusCode);
                return null;
            }
            if (response.Content.Headers.ContentLength > MaxAnswerBytes || response.Content.Headers.ContentType?.MediaType is not "application/json")
            {
                PeerAnswerTypeOrSize(logger, province);
                return null;
            }
            // Bounded whatever the peer declares (or does not, when chunked): reading stops past the limit.
            await using var bounded = new LimitedStream(await response.Content.ReadAsStreamAsync(cancellationToken), MaxAnswerBytes);
            var answer = await JsonSerializer.DeserializeAsync(bounded, VerificationJson.Default.VerificationResponse, cancellationToken);
            if (!IsWellFormed(answer, codeAsked))
            {
                PeerAnswerMalformed(logger, province);
                return null;
            }
            return answer;
        }
        catch (LimitedStream.LimitExceededException)
        {
            PeerAnswerTooLarge(logger, province, MaxAnswerBytes);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            PeerUnreachable(logger, province, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// The answer's schema, checked before anything of it is relayed: a known outcome; a bounded list of checks, each
    /// with a name, a known status and bounded texts; freshness; and any certificate about the code asked. A VALID
    /// answer must carry that certificate.
    /// </summary>
    internal static bool IsWellFormed(VerificationResponse? answer, string? codeAsked)
    {
        if (answer is null || answer.Outcome is not ("VALID" or "INVALID" or "NOT_FOUND" or "UNKNOWN") || answer.Freshness is null
            || answer.Checks is null || answer.Checks.Count is 0 or > MaxChecks)
        {
            return false;
        }
        foreach (var check in answer.Checks)
        {
            if (check is null || !Text(check.Name) || !Text(check.Code) || !Text(check.MessageZh) || !Text(check.MessageEn)
                || check.Status is not ("pass" or "fail" or "not_applicable" or "unknown"))
            {
                return false;
            }
        }
        if (answer.Certificate is { } c)
        {
            if (!string.Equals(c.Code, codeAsked, StringComparison.Ordinal) || c.Level is null || c.Occupation is null || c.Issuer is null
                || !Text(c.Status) || !Text(c.IssueDate) || !Text(c.HolderNameMasked) || !Text(c.ObtainedBy) || !Text(c.ReviewState))
            {
                return false;
            }
        }
        else if (answer.Outcome == "VALID")
        {
            return false;
        }
        return true;

        static bool Text(string? value) => value is { Length: > 0 and <= MaxTextLength };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Peer province {Province} answered {Status}.")]
    private static partial void PeerAnswered(ILogger logger, string province, int status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Peer province {Province} sent an answer that is not a verification (type or size).")]
    private static partial void PeerAnswerTypeOrSize(ILogger logger, string province);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Peer province {Province} sent an answer that is not a verification.")]
    private static partial void PeerAnswerMalformed(ILogger logger, string province);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Peer province {Province} sent an answer larger than {Bytes} bytes.")]
    private static partial void PeerAnswerTooLarge(ILogger logger, string province, int bytes);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Peer province {Province} unreachable: {Error}.")]
    private static partial void PeerUnreachable(ILogger logger, string province, string error);
}
