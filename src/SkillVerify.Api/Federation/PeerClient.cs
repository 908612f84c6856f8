using System.Net.Http.Json;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Partners;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Federation;

/// <summary>
/// Forwards a verification to a peer province's instance. The HttpClient behind it carries the
/// resilience pipeline (total timeout, retries with jitter, a circuit breaker per peer); any failure
/// comes back as null, which the caller turns into UNKNOWN.
/// </summary>
public sealed class PeerClient(HttpClient http, ILogger<PeerClient> logger)
{
    /// <summary>Marks a forwarded request, so the peer answers from its own data and never forwards again (no loops).</summary>
    public const string ForwardedHeader = "X-SkillVerify-Forwarded";

    public async Task<VerificationResponse?> ForwardAsync(string province, PeerOptions peer, VerificationRequest body, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(peer.BaseUrl.TrimEnd('/') + "/"), "api/v1/verifications");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(body, AppJsonContext.Default.VerificationRequest),
        };
        request.Headers.Add(PartnerAccess.Header, peer.ApiKey);
        request.Headers.Add(ForwardedHeader, "1");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Peer province {Province} answered {Status}.", province, (int)response.StatusCode);
                return null;
            }
            var answer = await response.Content.ReadFromJsonAsync(AppJsonContext.Default.VerificationResponse, cancellationToken);
            if (answer is null || answer.Checks is null || answer.Outcome is not ("VALID" or "INVALID" or "UNKNOWN"))
            {
                logger.LogWarning("Peer province {Province} sent an answer that is not a verification.", province);
                return null;
            }
            return answer;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Peer province {Province} unreachable: {Error}.", province, ex.GetType().Name);
            return null;
        }
    }
}
