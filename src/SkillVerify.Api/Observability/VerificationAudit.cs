using System.Globalization;
using SkillVerify.Domain.Codes;

namespace SkillVerify.Api.Observability;

/// <summary>
/// The audit trail, through ILogger under the category <c>SkillVerify.Audit</c>, so it goes wherever logs go and can
/// be routed or filtered on its own (Logging__LogLevel__SkillVerify.Audit):
/// <list type="bullet">
/// <item>event 9001 <c>VerificationAudited</c>: one record per verification, whatever the channel — the channel
/// (<see cref="VerificationChannels"/>), the caller (<c>anonymous</c>, <c>token</c> or <c>partner:{key id}</c>), the
/// outcome and the code masked (<see cref="MaskCode"/>). Written by <see cref="VerificationMetrics.Record"/>.</item>
/// <item>event 9002 <c>AdminWriteAudited</c>: one record per admin write — who (the admin key's fingerprint), what,
/// on which record, and the reason given.</item>
/// </list>
/// Never a holder name, an ID number or a full certificate code.
/// </summary>
public sealed partial class VerificationAudit(ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "SkillVerify.Audit";
    public const string Anonymous = "anonymous";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    internal void Write(string channel, string caller, string outcome, string? code)
    {
        // Checked here, not in Audited: nothing is masked or formatted when the audit category is filtered out.
        if (logger.IsEnabled(LogLevel.Information))
        {
            var tag = VerificationChannels.Tag(channel);
            var masked = MaskCode(code);
            var at = Now();
            Audited(logger, tag, string.IsNullOrWhiteSpace(caller) ? Anonymous : caller, outcome, masked, at);
        }
    }

    /// <summary>One admin write: <paramref name="who"/> is the key's fingerprint, <paramref name="target"/> a masked certificate code or an organization code.</summary>
    public void WriteAdmin(string who, string action, string target, string? reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var masked = MaskCodesIn(reason ?? "");
            var at = Now();
            AdminAudited(logger, who, action, target, masked, at);
        }
    }

    /// <summary>A free-text reason as the audit keeps it: any certificate code written in it masked like a target.</summary>
    internal static string MaskCodesIn(string text) => CodeInText().Replace(text, m => m.Value[..16] + "******");

    [System.Text.RegularExpressions.GeneratedRegex("(?<![0-9A-Z])[YS][0-9]{6}[0-9A-Z]{6}[0-9]{2}[X54321TS][0-9]{6}(?![0-9])", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CodeInText();

    /// <summary>
    /// A certificate code with its six-digit serial masked (<c>Y000044030006233******</c>): the issuer, year and level
    /// stay readable for the audit; which certificate was asked about does not. Anything that is not a code is <c>-</c>.
    /// </summary>
    public static string MaskCode(string? code)
    {
        var parse = CodeParser.Parse(code);
        if (parse.Code is { } c)
        {
            return c.Value[..16] + "******";
        }
        return parse.Canonical is { Length: > 4 } legacy ? legacy[..4] + new string('*', legacy.Length - 4) : "-";
    }

    private string Now() => time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 9001, EventName = "VerificationAudited", Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "Verification audited: channel {Channel}, caller {Caller}, outcome {Outcome}, code {Code}, at {At}")]
    private static partial void Audited(ILogger logger, string channel, string caller, string outcome, string code, string at);

    [LoggerMessage(EventId = 9002, EventName = "AdminWriteAudited", Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "Admin write audited: by {Who}, {Action} {Target}, reason {Reason}, at {At}")]
    private static partial void AdminAudited(ILogger logger, string who, string action, string target, string reason, string at);
}
