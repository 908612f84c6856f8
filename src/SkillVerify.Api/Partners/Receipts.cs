namespace SkillVerify.Api.Partners;

/// <summary>One checked item as a receipt names it: the code, the outcome, the registry snapshot and who answered. No personal data.</summary>
public sealed record ReceiptItem(int Index, string? Code, string? Outcome, string? ErrorCode, long? RegistrySnapshot, string? AnsweredByProvince);

/// <summary>What a signed receipt attests: which partner asked, when, and each item's outcome.</summary>
public sealed record ReceiptContent(string PartnerKeyId, string PartnerName, DateTimeOffset CheckedAt, IReadOnlyList<ReceiptItem> Items);

/// <summary>
/// Issues signed receipts (JWS, ES256, key id, public keys at /.well-known/jwks.json). The signing keys
/// belong to the QR/JWKS feature (issue 5), which registers the real implementation; until then
/// <see cref="UnavailableReceipts"/> answers null and the response says the receipt is unavailable.
/// </summary>
public interface IReceiptIssuer
{
    /// <summary>A compact JWS over the content, or null when this instance cannot sign.</summary>
    ValueTask<string?> IssueAsync(ReceiptContent content, CancellationToken cancellationToken);
}

public sealed class UnavailableReceipts : IReceiptIssuer
{
    public ValueTask<string?> IssueAsync(ReceiptContent content, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
