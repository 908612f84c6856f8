using QRCoder;
using SkillVerify.Api.Verification;

namespace SkillVerify.Api.Pages;

/// <summary>Everything a verification report states, shared by the print page and the PDF.</summary>
public sealed record ReportView(Ui Ui, VerificationResponse Answer, string Code, bool HolderCompared, DateTimeOffset CheckedAt, CertificateStanding? Standing, string Receipt, string ReceiptLink)
{
    /// <summary>The receipt link as a QR image (PNG data URI; the pages' CSP allows data: images).</summary>
    public string QrDataUri
    {
        get
        {
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(ReceiptLink, QRCodeGenerator.ECCLevel.L);
            return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
        }
    }

    /// <summary>The report's facts in order, label and value.</summary>
    public IEnumerable<(string Label, string Value)> Facts()
    {
        yield return (Ui.T("核验时间", "Checked at"), Ui.Time(CheckedAt));
        yield return (Ui.T("证书编号", "Certificate code"), Ui.DisplayCode(Code));
        yield return (Ui.T("核验方式", "How it was checked"), HolderCompared
            ? Ui.T("证书编号和持证人姓名（姓名已比对）", "Certificate code and holder's name (the name was compared)")
            : Ui.T("证书二维码中的核验令牌（未比对持证人姓名）", "The verification token of the certificate's QR code (the holder's name was not compared)"));
        yield return (Ui.T("核验结果", "Outcome"), Ui.OutcomeWord(Answer.Outcome) + " — " + Ui.Reason(Answer));
        if (Standing is not null && Standing.Badges(Ui).Any())
        {
            yield return (Ui.T("称号状态", "Standing"), string.Join(Ui.T("；", "; "), Standing.Badges(Ui).Select(b => b.Text)));
        }
        if (Answer.Certificate is { } c)
        {
            yield return (Ui.T("持证人（脱敏）", "Holder (masked)"), c.HolderNameMasked);
            var grade = SkillVerify.Domain.Reference.ReferenceData.FindLevel(c.Level.Code[0])?.Grade is { Length: > 0 } g ? Ui.T($"（{g}）", $" (grade {g})") : "";
            yield return (Ui.T("等级", "Level"), Ui.Level(c.Level) + grade);
            yield return (Ui.T("职业（工种）", "Occupation"), Ui.Occupation(c.Occupation));
            yield return (Ui.T("发证机构", "Issued by"), $"{c.Issuer.Name ?? ""} {c.Issuer.Code}".Trim());
            yield return (Ui.T("发证日期", "Issue date"), c.IssueDate);
            if (c.RevokedOn is { } revoked)
            {
                yield return (Ui.T("撤销日期", "Revoked on"), revoked);
            }
        }
        yield return (Ui.T("评价机构目录版本", "Registry snapshot"), Ui.T(
            $"第 {Answer.Freshness.RegistrySnapshot} 版，更新于 {Ui.Time(Answer.Freshness.RegistryUpdatedAt)}",
            $"snapshot {Answer.Freshness.RegistrySnapshot}, updated {Ui.Time(Answer.Freshness.RegistryUpdatedAt)}"));
    }
}
