using System.Text.Json;
using System.Text.Json.Serialization;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Qr;

/// <summary>Source-generated JSON for these contracts (registered by <c>AddQr</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ScanRequest))]
[JsonSerializable(typeof(ScanResponse))]
public sealed partial class QrJson : JsonSerializerContext;

/// <summary>POST /api/v1/scans: what a phone's camera read, and optionally the holder's name.</summary>
public sealed record ScanRequest(string? Payload, string? HolderName);

/// <summary>
/// The verification answer for a scanned QR, and what the scan was recognized as. <see cref="Verification"/>
/// is null only for a signed payload whose signature does not hold: then nothing in it, not even the code, is trusted.
/// </summary>
public sealed record ScanResponse(
    ScanRecognitionDto Recognized,
    IReadOnlyList<ScanWarningDto> Warnings,
    OfflineClaims? Offline,
    VerificationResponse? Verification);

/// <param name="Kind">verificationUrl (a /v/{code} link), urlWithCode (another link holding a code), code, or signedPayload.</param>
/// <param name="Host">The link's host (punycode for internationalized names), for links.</param>
/// <param name="OfficialHost">Whether that host is on the configured list of official hosts, for links.</param>
/// <param name="Token">missing, valid or invalid: the link's QR token.</param>
/// <param name="Signature">valid, malformed, unknown_key, outside_key_window or bad_signature, for signed payloads.</param>
/// <param name="Disclosure">authorized when a valid token on an official host or a valid signature let the record be shown without a name; anonymous otherwise.</param>
public sealed record ScanRecognitionDto(
    string Kind,
    string? Code,
    string? Host,
    bool? OfficialHost,
    string? Token,
    string? Signature,
    string? KeyId,
    string Disclosure);

public sealed record ScanWarningDto(string Code, string MessageZh, string MessageEn);
