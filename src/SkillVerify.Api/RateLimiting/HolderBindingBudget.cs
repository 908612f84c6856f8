using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.Security;

namespace SkillVerify.Api.RateLimiting;

/// <summary>What a caller offers to bind a certificate to its holder.</summary>
public enum HolderProof
{
    /// <summary>Typed holder details (a name; an ID number for keyed callers).</summary>
    Details,

    /// <summary>The QR token (or a signed offline payload) printed on the certificate itself.</summary>
    Token,
}

/// <summary>Why a holder check was refused.</summary>
public enum BudgetRefusal
{
    None,

    /// <summary>This client address (IPv6 by /64) or partner key used its holder checks for this minute.</summary>
    Caller,

    /// <summary>The certificate code had too many failed anonymous checks from all addresses together.</summary>
    Certificate,
}

/// <summary>The answer of <see cref="HolderBindingBudget.TryTakeAsync"/>; hand it back to <see cref="HolderBindingBudget.ReportAsync"/> once the answer is known.</summary>
public sealed class BudgetDecision
{
    internal BudgetDecision(bool allowed, BudgetRefusal refusal, string channel, string? code, HolderProof proof, string caller, bool keyed, int limit, TimeSpan retryAfter, bool certificatePermitTaken)
    {
        Allowed = allowed;
        Refusal = refusal;
        Channel = channel;
        Code = code;
        Proof = proof;
        Caller = caller;
        Keyed = keyed;
        Limit = limit;
        RetryAfter = retryAfter;
        CertificatePermitTaken = certificatePermitTaken;
    }

    public bool Allowed { get; }

    public BudgetRefusal Refusal { get; }

    /// <summary>One of <see cref="VerificationChannels"/>.</summary>
    public string Channel { get; }

    /// <summary>The canonical certificate code checked, when the caller gave one.</summary>
    public string? Code { get; }

    public HolderProof Proof { get; }

    /// <summary>Who asked, as audit records say it: <c>anonymous</c>, <c>token</c> or <c>partner:{key id}</c>. Never a name.</summary>
    public string Caller { get; }

    /// <summary>A partner key asked (its own quota, not bound per certificate).</summary>
    public bool Keyed { get; }

    /// <summary>The limit that refused (per minute for <see cref="BudgetRefusal.Caller"/>, per window for <see cref="BudgetRefusal.Certificate"/>).</summary>
    public int Limit { get; }

    public TimeSpan RetryAfter { get; }

    /// <summary>Whole seconds for a Retry-After header, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));

    internal bool CertificatePermitTaken { get; }

    /// <summary>The Chinese and English sentence that says why a check was refused and what still works.</summary>
    public (string Code, string MessageZh, string MessageEn) Explanation => Refusal switch
    {
        BudgetRefusal.Certificate => ("rate_limit.certificate_checks",
            "该证书编号近期按姓名核验失败次数过多，已暂停按姓名核验，请按 Retry-After 所示秒数后再试。持证人可扫描证书上的二维码核验；合作单位可使用 API 密钥核验。",
            "This certificate code has had too many failed checks by name recently, so checks by name on it are paused until the seconds in Retry-After have passed. The holder can verify by scanning the QR code on the certificate; partners can verify with their API key."),
        _ when Keyed => ("rate_limit.holder_checks",
            $"该 API 密钥本分钟的核验次数（每分钟 {Limit} 次）已用完，请按 Retry-After 所示秒数后再试。",
            $"This API key has used its {Limit} holder checks for this minute; try again after the seconds in Retry-After."),
        _ => ("rate_limit.holder_checks",
            $"来自此网络地址的持证人信息核验过于频繁（每分钟最多 {Limit} 次），请按 Retry-After 所示秒数后再试。需要批量核验的单位请申请合作方 API 密钥。",
            $"Too many holder checks from this network address (at most {Limit} a minute); try again after the seconds in Retry-After. Organizations that check in bulk can ask for a partner API key."),
    };

    /// <summary>The refusal as a 429 problem, with Retry-After set on the response.</summary>
    public ProblemHttpResult ToProblem(HttpContext context)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var (code, zh, en) = Explanation;
        return Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests.", code, zh, en, null);
    }
}

/// <summary>
/// The one guessing budget for every channel that tests a holder binding (a name, an ID number or a QR token
/// against a certificate code): the API, batch items, scans, the mobile page, and the pages for people. Call
/// <see cref="TryTakeAsync"/> before each check and <see cref="ReportAsync"/> after it.
/// <list type="bullet">
/// <item>Per caller: each anonymous client address (IPv6 by /64) has <see cref="RateLimitOptions.HolderChecksPerMinute"/>
/// checks a minute over all channels together; a partner key has its own quota. Counted in Redis when configured, so
/// every instance spends from the same budget (per instance while Redis is down, never unlimited).</item>
/// <item>Per certificate: anonymous checks by typed details that fail (no certificate matched: a wrong name, or a code
/// without record — the two look alike) are bounded per code across all addresses
/// (<see cref="RateLimitOptions.FailedChecksPerCertificate"/> per <see cref="RateLimitOptions.FailedChecksWindowMinutes"/>).
/// The QR token and partner keys are not bound per certificate, so a stranger cannot lock the holder out.</item>
/// </list>
/// Nothing here depends on whether a code has a record, so a refusal tells nothing about who holds it.
/// </summary>
public sealed class HolderBindingBudget(IOptions<RateLimitOptions> options, WindowStore counters)
{
    public const string Anonymous = "anonymous";
    public const string TokenHolder = "token";

    private readonly RateLimitOptions settings = options.Value;

    /// <summary>
    /// Takes <paramref name="permits"/> holder checks (one per code checked) for this request's caller on
    /// <paramref name="channel"/> (one of <see cref="VerificationChannels"/>). <paramref name="code"/> is the
    /// canonical code when one certificate is checked (it bounds failed attempts on it); null for a multi-code
    /// take. A refused decision changes nothing; answer it with <see cref="BudgetDecision.ToProblem"/> or the
    /// channel's own page built from <see cref="BudgetDecision.Explanation"/>.
    /// </summary>
    public async ValueTask<BudgetDecision> TryTakeAsync(HttpContext context, string channel, string? code = null, HolderProof proof = HolderProof.Details,
        int permits = 1, CancellationToken cancellationToken = default)
    {
        var partner = context.GetPartner();
        var caller = CallerOf(context, proof);
        if (!settings.Enabled || permits <= 0)
        {
            return new BudgetDecision(true, BudgetRefusal.None, channel, code, proof, caller, partner is not null, 0, TimeSpan.Zero, false);
        }
        var (partition, limit) = partner is not null
            ? ("hb:p:" + partner.Id, partner.RequestsPerMinute)
            : ("hb:ip:" + ApiRateLimitPolicy.ClientAddress(context.Connection.RemoteIpAddress), settings.HolderChecksPerMinute);
        var own = await counters.TakeAsync(partition, permits, limit, RateLimitOptions.Window, cancellationToken);
        if (!own.Acquired)
        {
            return new BudgetDecision(false, BudgetRefusal.Caller, channel, code, proof, caller, partner is not null, limit, own.ResetAfter, false);
        }
        // Attempts are counted before the answer and given back when the binding holds, so the bound is on
        // failures and no burst can overshoot it.
        if (partner is null && proof == HolderProof.Details && code is not null)
        {
            var certificate = await counters.TakeAsync(CertificatePartition(code), 1, settings.FailedChecksPerCertificate, settings.FailedChecksWindow, cancellationToken);
            if (!certificate.Acquired)
            {
                return new BudgetDecision(false, BudgetRefusal.Certificate, channel, code, proof, caller, false, settings.FailedChecksPerCertificate, certificate.ResetAfter, false);
            }
            return new BudgetDecision(true, BudgetRefusal.None, channel, code, proof, caller, false, limit, TimeSpan.Zero, true);
        }
        return new BudgetDecision(true, BudgetRefusal.None, channel, code, proof, caller, partner is not null, limit, TimeSpan.Zero, false);
    }

    /// <summary>
    /// The check's result: <paramref name="bound"/> is true when the holder details matched a certificate (the
    /// answer shows it). A failed anonymous check stays counted against the certificate code.
    /// </summary>
    public async ValueTask ReportAsync(BudgetDecision decision, bool bound, CancellationToken cancellationToken = default)
    {
        if (decision.CertificatePermitTaken && bound)
        {
            await counters.TakeAsync(CertificatePartition(decision.Code!), -1, settings.FailedChecksPerCertificate, settings.FailedChecksWindow, cancellationToken);
        }
    }

    /// <summary>Who asks, as audit records say it: a partner's key id, <c>token</c> (the QR token or a signed payload) or <c>anonymous</c>.</summary>
    public static string CallerOf(HttpContext context, HolderProof proof) =>
        context.GetPartner() is { } partner ? "partner:" + partner.Id
        : proof == HolderProof.Token ? TokenHolder
        : Anonymous;

    private static string CertificatePartition(string code) => "hb:c:" + code;
}
