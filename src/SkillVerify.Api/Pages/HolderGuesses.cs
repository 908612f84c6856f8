namespace SkillVerify.Api.Pages;

/// <summary>
/// The seam where every holder-binding attempt of the pages (a name form, a report, each spreadsheet row) is counted
/// against the caller's guessing budget: one call per attempt. Until the shared HolderBindingBudget (issue 13,
/// src/SkillVerify.Api/RateLimiting/) is merged this allows every attempt; the per-address request limit still applies
/// to each request.
/// </summary>
public sealed class HolderGuesses
{
    public ValueTask<bool> TryTakeAsync(HttpContext context, string? code, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
