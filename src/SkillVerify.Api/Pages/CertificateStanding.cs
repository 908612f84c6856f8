using System.Globalization;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Pages;

/// <summary>
/// A certificate's standing as a page shows it: <c>current</c>, <c>historical</c> (an ended 特级/首席 appointment
/// term: 历史称号 since the day after it ended), <c>not_yet_in_force</c> (a term not begun), plus whether the title
/// is awaiting 复核确认 (<c>pending_review</c>), from the answer's <c>CertificateDto.Standing</c>/<c>StandingSince</c>.
/// </summary>
public sealed record CertificateStanding(string Value, string? Since, bool AwaitingReview)
{
    public static CertificateStanding Of(CertificateDto c, DateOnly today) =>
        new(c.Standing == "pending_review" ? "current" : c.Standing ?? "current", c.StandingSince, c.Standing == "pending_review" || c.ReviewState == "pending");

    public IEnumerable<(string Key, string Text)> Badges(Ui ui)
    {
        if (Value == "historical")
        {
            yield return ("historical", ui.T($"历史称号（自 {Since} 起）", $"Historical title (since {Since})"));
        }
        if (Value == "not_yet_in_force")
        {
            yield return ("not_yet_in_force", ui.T($"尚未生效（{Since} 起生效）", $"Not yet in force (from {Since})"));
        }
        if (AwaitingReview)
        {
            yield return ("awaiting_review", ui.T("待复核确认", "Awaiting review"));
        }
    }
}
