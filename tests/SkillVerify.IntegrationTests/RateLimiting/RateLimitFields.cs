using System.Globalization;

namespace SkillVerify.IntegrationTests.RateLimiting;

/// <summary>
/// Reads RateLimit-Policy and RateLimit as the IETF draft writes them: a structured-field list of one item, a quoted
/// policy name with parameters (<c>"anonymous";q=120;w=60</c>, <c>"anonymous";r=119;t=42</c>).
/// </summary>
public static class RateLimitFields
{
    public static (string Policy, IReadOnlyDictionary<string, int> Parameters) Parse(string field)
    {
        var parts = field.Split(';');
        var name = parts[0].Trim();
        Assert.True(name.Length >= 2 && name[0] == '"' && name[^1] == '"', $"'{field}' does not start with a quoted policy name.");
        var parameters = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => int.Parse(p[1], NumberStyles.None, CultureInfo.InvariantCulture));
        return (name[1..^1], parameters);
    }

    public static IReadOnlyDictionary<string, int> Policy(this HttpResponseMessage response) => Parse(response.Headers.GetValues("RateLimit-Policy").Single()).Parameters;

    public static IReadOnlyDictionary<string, int> Current(this HttpResponseMessage response) => Parse(response.Headers.GetValues("RateLimit").Single()).Parameters;
}
