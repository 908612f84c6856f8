using System.Globalization;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Pages;

/// <summary>
/// A certificate's standing as a page shows it: <c>current</c>, <c>historical</c> (an ended 特级/首席 appointment
/// term: 历史称号 since the day after it ended), <c>not_yet_in_force</c> (a term not begun), plus whether the title
/// is awaiting 复核确认. Derived from the answer's appointment term and review state, the facts the verdicts issue
/// turns into <c>CertificateDto.Standing</c>/<c>StandingSince</c>; once those fields are on main this reads them.
/// </summary>
public sealed record CertificateStanding(string Value, string? Since, bool AwaitingReview)
{
    public static CertificateStanding Of(CertificateDto c, DateOnly today)
    {
        var review = c.ReviewState == "pending";
        if (c.AppointmentTerm is { } term
            && DateOnly.TryParseExact(term.From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && DateOnly.TryParseExact(term.To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            if (today > to)
            {
                return new("historical", to.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), review);
            }
            if (today < from)
            {
                return new("not_yet_in_force", term.From, review);
            }
        }
        return new("current", null, review);
    }

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
