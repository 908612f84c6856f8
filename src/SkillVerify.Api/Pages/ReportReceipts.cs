using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using SkillVerify.Api.Partners;
using SkillVerify.Api.Signing;

namespace SkillVerify.Api.Pages;

/// <summary>One checked certificate as a report receipt names it. No name, no masked name: a receipt may travel in a link (its QR).</summary>
public sealed record ReportItem(
    int Row,
    string? Code,
    bool HolderCompared,
    string Outcome,
    string? Level,
    string? LevelName,
    string? Standing,
    string? ReasonZh,
    string? ReasonEn,
    string? Error);

/// <summary>What a report receipt attests: when, against which registry snapshot, which certificates with which outcome.</summary>
public sealed record ReportReceiptContent(string Kind, DateTimeOffset CheckedAt, long RegistrySnapshot, DateTimeOffset RegistryUpdatedAt, IReadOnlyList<ReportItem> Items);

/// <summary>The answer of a receipt check: <c>genuine</c> (signed by a published key and unchanged), <c>altered</c>
/// (the signature does not hold), <c>unknown_key</c>, <c>outside_key_window</c>, or <c>unreadable</c>.</summary>
public sealed record ReceiptCheckResponse(string State, string? KeyId, string? Type, DateTimeOffset? CheckedAt, ReportReceiptContent? Report);

public sealed record ReceiptCheckRequest(string? Receipt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReportReceiptContent))]
[JsonSerializable(typeof(ReceiptHeader))]
[JsonSerializable(typeof(ReceiptCheckResponse))]
[JsonSerializable(typeof(ReceiptCheckRequest))]
internal sealed partial class PagesJson : JsonSerializerContext;

/// <summary>
/// Report receipts: compact JWS (ES256) with the service's signing keys (<see cref="SigningKeys"/>, published at
/// /.well-known/jwks.json), like the partner receipts of <see cref="JwsReceiptIssuer"/>, typ
/// <c>skillverify-report+jws</c>. <see cref="Check"/> also checks partner receipts (their signature and key window).
/// </summary>
public sealed class ReportReceipts(SigningKeys keys)
{
    public const string Type = "skillverify-report+jws";
    public const int MaxLength = 64 * 1024;

    // Chinese and '+' as they are (not \uXXXX): a third the bytes, so a smaller QR. Safe inside base64url.
    private static readonly PagesJson Compact = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public bool CanSign => keys.Active is { CanSign: true };

    public string Issue(ReportReceiptContent content)
    {
        var active = keys.Active ?? throw new InvalidOperationException("No signing key is configured (Signing:Keys).");
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new ReceiptHeader("ES256", active.KeyId, Type), Compact.ReceiptHeader));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(content, Compact.ReportReceiptContent));
        var signingInput = header + "." + payload;
        var (_, signature) = keys.SignEs256(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Checks a receipt as pasted or scanned: the bare JWS, or a link holding it in its <c>r</c> parameter.</summary>
    public ReceiptCheckResponse Check(string? text)
    {
        var jws = Extract(text);
        if (jws is null)
        {
            return new("unreadable", null, null, null, null);
        }
        var parts = jws.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            return new("unreadable", null, null, null, null);
        }
        ReceiptHeader? header;
        DateTimeOffset checkedAt;
        try
        {
            header = JsonSerializer.Deserialize(headerBytes, PagesJson.Default.ReceiptHeader);
            using var payload = JsonDocument.Parse(payloadBytes);
            if (header is not { Alg: "ES256", Kid: { Length: > 0 } } || payload.RootElement.ValueKind != JsonValueKind.Object
                || !payload.RootElement.TryGetProperty("checkedAt", out var at) || !at.TryGetDateTimeOffset(out checkedAt))
            {
                return new("unreadable", null, null, null, null);
            }
        }
        catch (JsonException)
        {
            return new("unreadable", null, null, null, null);
        }
        if (!keys.TryFind(header.Kid, out var key))
        {
            return new("unknown_key", header.Kid, header.Typ, null, null);
        }
        if (!key.CoversInstant(checkedAt))
        {
            return new("outside_key_window", header.Kid, header.Typ, null, null);
        }
        if (!keys.VerifyEs256(header.Kid, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, checkedAt))
        {
            // Nothing in it can be trusted, so nothing of it is shown.
            return new("altered", header.Kid, header.Typ, null, null);
        }
        ReportReceiptContent? report = null;
        if (header.Typ == Type)
        {
            try
            {
                report = JsonSerializer.Deserialize(payloadBytes, PagesJson.Default.ReportReceiptContent);
            }
            catch (JsonException)
            {
                // Signed by us but not a report: genuine, without contents to show.
            }
        }
        return new("genuine", header.Kid, header.Typ, checkedAt, report);
    }

    private static string? Extract(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return null;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            var r = QueryHelpers.ParseQuery(uri.Query).GetValueOrDefault("r").ToString();
            return r.Length > 0 ? r : null;
        }
        return text;
    }

    private static bool TryDecode(string s, out byte[] bytes)
    {
        bytes = [];
        if (s.Length == 0 || !Base64Url.IsValid(s))
        {
            return false;
        }
        bytes = Base64Url.DecodeFromChars(s);
        return true;
    }
}
