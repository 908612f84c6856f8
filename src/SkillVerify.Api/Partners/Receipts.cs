using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Signing;

namespace SkillVerify.Api.Partners;

/// <summary>One checked item as a receipt names it: the code, the outcome, the registry snapshot and who answered. No personal data.</summary>
public sealed record ReceiptItem(int Index, string? Code, string? Outcome, string? ErrorCode, long? RegistrySnapshot, string? AnsweredByProvince);

/// <summary>What a signed receipt attests: which partner asked, when, and each item's outcome.</summary>
public sealed record ReceiptContent(string PartnerKeyId, string PartnerName, DateTimeOffset CheckedAt, IReadOnlyList<ReceiptItem> Items);

/// <summary>The protected header of a receipt JWS.</summary>
public sealed record ReceiptHeader(
    [property: System.Text.Json.Serialization.JsonPropertyName("alg")] string Alg,
    [property: System.Text.Json.Serialization.JsonPropertyName("kid")] string Kid,
    [property: System.Text.Json.Serialization.JsonPropertyName("typ")] string Typ);

/// <summary>Issues signed receipts for partners.</summary>
public interface IReceiptIssuer
{
    /// <summary>A compact JWS over the content, or null when this instance has no signing key.</summary>
    ValueTask<string?> IssueAsync(ReceiptContent content, CancellationToken cancellationToken);
}

/// <summary>
/// Receipts as compact JWS (RFC 7515), ES256, signed with the active key of <see cref="SigningKeys"/> — the
/// same keys as the offline QR payloads, published at /.well-known/jwks.json. A third party verifies a
/// receipt later with that JWKS alone: find the key by <c>kid</c>, check its window covers
/// <c>checkedAt</c>, verify the signature over <c>header.payload</c>.
/// </summary>
public sealed class JwsReceiptIssuer(SigningKeys keys) : IReceiptIssuer
{
    public const string Type = "skillverify-receipt+jws";

    public ValueTask<string?> IssueAsync(ReceiptContent content, CancellationToken cancellationToken)
    {
        if (keys.Active is not { CanSign: true } active)
        {
            return ValueTask.FromResult<string?>(null);
        }
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new ReceiptHeader("ES256", active.KeyId, Type), PartnersJson.Default.ReceiptHeader));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(content, PartnersJson.Default.ReceiptContent));
        var signingInput = header + "." + payload;
        var (_, signature) = keys.SignEs256(Encoding.ASCII.GetBytes(signingInput));
        return ValueTask.FromResult<string?>(signingInput + "." + Base64Url.EncodeToString(signature));
    }
}
