namespace SkillVerify.Data;

/// <summary>
/// The key of the holder hashes, from <c>Privacy:HashKey</c> (env <c>Privacy__HashKey</c>) or the file named by
/// <c>Privacy:HashKeyFile</c>. The API and the import CLI read it the same way, so an imported name matches
/// the name a caller types.
/// </summary>
public static class HolderKeys
{
    public const string Setting = "Privacy:HashKey (Privacy__HashKey)";

    /// <summary>The configured key text (inline, else from the file), or null when neither is set.</summary>
    public static string? Read(string? hashKey, string? hashKeyFile)
    {
        if (!string.IsNullOrWhiteSpace(hashKey))
        {
            return hashKey.Trim();
        }
        return string.IsNullOrWhiteSpace(hashKeyFile) ? null : File.ReadAllText(hashKeyFile).Trim();
    }

    /// <summary>Decodes a base64 key of at least 32 bytes, or throws with a sentence naming the setting.</summary>
    public static byte[] Parse(string text)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            key = [];
        }
        if (key.Length < 32)
        {
            throw new InvalidOperationException($"{Setting} must be base64 of at least 32 bytes.");
        }
        return key;
    }
}
