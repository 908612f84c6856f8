namespace SkillVerify.Api.Observability;

/// <summary>
/// The audit trail: one record per verification, through ILogger under the category
/// <c>SkillVerify.Audit</c> with event id 9001 <c>VerificationAudited</c>, so it goes wherever logs go and can be
/// routed or filtered on its own (Logging__LogLevel__SkillVerify.Audit). A record says which channel, which
/// partner (or anonymous), which outcome and when; it never carries the code, a name or an ID number.
/// Written by <see cref="VerificationMetrics.Record"/>; do not call it directly.
/// </summary>
public sealed partial class VerificationAudit(ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "SkillVerify.Audit";
    public const string Anonymous = "anonymous";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    internal void Write(VerificationChannel channel, string? partner, string outcome) =>
        Audited(logger, VerificationMetrics.ChannelTag(channel), string.IsNullOrWhiteSpace(partner) ? Anonymous : partner, outcome, time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [LoggerMessage(EventId = 9001, EventName = "VerificationAudited", Level = LogLevel.Information,
        Message = "Verification audited: channel {Channel}, caller {Partner}, outcome {Outcome}, at {At}")]
    private static partial void Audited(ILogger logger, string channel, string partner, string outcome, string at);
}
