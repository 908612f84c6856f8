using Microsoft.Extensions.Options;
using SkillVerify.Api.Verification;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Federation;

/// <summary>
/// Where a verification is answered (跨区域互认, domain.md §7): codes of this instance's province(s) from
/// its own data; codes of a peer province by that province's instance; codes of any other province by
/// the local registry checks with the record checks UNKNOWN. Without <c>Federation:LocalProvince</c>
/// everything is answered locally.
/// </summary>
public sealed class FederatedVerification(VerificationService local, CodeDecoder decoder, RecordCache records, PeerClient peers, IOptions<FederationOptions> options)
{
    private readonly FederationOptions settings = options.Value;

    /// <param name="forwarded">The request came from a peer: answer from this instance's data, never forward again.</param>
    public async Task<VerificationResponse> VerifyAsync(string? code, string? holderName, string? idNumber, bool forwarded, CancellationToken cancellationToken)
    {
        var province = settings.Enabled ? decoder.Decode(code).Code?.ProvinceCode : null;
        if (province is null || settings.LocalProvinces.Contains(province))
        {
            return await local.VerifyAsync(code, holderName, idNumber, Disclosure.Anonymous, By("local", province ?? settings.LocalProvinces.FirstOrDefault()), cancellationToken);
        }
        if (!forwarded && settings.Peers.TryGetValue(province, out var peer))
        {
            // The canonical code goes to the peer; the caller's disclosure level is kept (the peer sees this
            // instance as a partner, and partners see no more than a name-holding caller would).
            var canonical = decoder.Decode(code).Code!.Value.Value;
            var answer = await peers.ForwardAsync(province, peer, new VerificationRequest(canonical, holderName, idNumber), cancellationToken);
            return answer is not null
                ? answer with { AnsweredBy = By("peer", province) }
                : await PeerUnavailableAsync(province, cancellationToken);
        }
        var partial = await local.VerifyWithoutRecordAsync(code, holderName, idNumber, cancellationToken);
        var checks = partial.Checks.Select(c => c.Code == "record.unavailable"
            ? c with
            {
                Code = "federation.no_peer",
                MessageZh = $"证书记录由省份代码 {province} 的核验服务保存，本服务未与其互联，无法核对。",
                MessageEn = $"The certificate records are held by province {province}'s service, which this instance is not connected to; this could not be checked.",
            }
            : c).ToList();
        return partial with { Checks = checks, AnsweredBy = By("no_peer", province) };
    }

    /// <summary>The peer did not answer in time: UNKNOWN on every check, never VALID or INVALID.</summary>
    private async Task<VerificationResponse> PeerUnavailableAsync(string province, CancellationToken cancellationToken)
    {
        var snapshot = await records.GetSnapshotAsync(cancellationToken);
        var checks = Verifier.CheckNames.Select(name => new CheckDto(name, "unknown", "federation.peer_unavailable",
            $"省份代码 {province} 的核验服务暂时无法访问，无法确定。", $"The verification service of province {province} is unreachable right now; this could not be decided.")).ToList();
        return new VerificationResponse("UNKNOWN", checks, null,
            new FreshnessDto(snapshot.Version, snapshot.UpdatedAt, null, false), By("peer_unavailable", province));
    }

    private static AnsweredByDto By(string source, string? province) =>
        new(source, province, province is null ? null : ReferenceData.FindProvince(province)?.Name);
}
