namespace SkillVerify.Api.Observability;

/// <summary>Keeps certificate codes (and anything code-like) out of telemetry that records request paths.</summary>
public static class Redaction
{
    public const string Placeholder = "{redacted}";

    /// <summary>
    /// A request path with every segment that could carry a code, an organization code, a token or personal data
    /// replaced: anything with four or more digits, a percent escape, a non-ASCII character or over 32 characters.
    /// Route words (<c>api</c>, <c>v1</c>, <c>codes</c>, <c>health</c>) stay readable.
    /// </summary>
    public static string Path(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s.Length > 32 || s.Contains('%') || s.Any(c => c > 127) || s.Count(char.IsAsciiDigit) >= 4)
            {
                segments[i] = Placeholder;
            }
        }
        return string.Join('/', segments);
    }
}
