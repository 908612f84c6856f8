using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using QRCoder;

namespace SkillVerify.Api.Pages;

/// <summary>
/// The fonts the PDF report embeds, from Debian packages: Droid Sans Fallback (fonts-droid-fallback) for Chinese and
/// DejaVu Sans (fonts-dejavu-core) for Latin letters and digits. Both are single TrueType (glyf) files, which PDFsharp
/// embeds and subsets; Noto Sans CJK (fonts-noto-cjk) is a collection (.ttc) of CFF-outline faces, which PDFsharp
/// cannot embed. Droid Sans Fallback has no Latin glyphs, hence the second font, chosen per character run.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Cjk = "SkillVerify CJK";
    public const string Latin = "SkillVerify Latin";

    public static readonly string[] CjkCandidates = ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"];
    public static readonly string[] LatinCandidates = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"];
    public static readonly string[] LatinBoldCandidates = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];

    private static readonly Lazy<PdfFonts?> Installed = new(() =>
    {
        var cjk = CjkCandidates.FirstOrDefault(File.Exists);
        var latin = LatinCandidates.FirstOrDefault(File.Exists);
        var latinBold = LatinBoldCandidates.FirstOrDefault(File.Exists) ?? latin;
        if (cjk is null || latin is null)
        {
            return null;
        }
        var fonts = new PdfFonts(File.ReadAllBytes(cjk), File.ReadAllBytes(latin), File.ReadAllBytes(latinBold!));
        GlobalFontSettings.FontResolver = fonts;
        return fonts;
    });

    private readonly byte[] cjk;
    private readonly byte[] latin;
    private readonly byte[] latinBold;

    private PdfFonts(byte[] cjk, byte[] latin, byte[] latinBold) => (this.cjk, this.latin, this.latinBold) = (cjk, latin, latinBold);

    /// <summary>The resolver, installed once for the process; null when a font package is missing.</summary>
    public static bool Available => Installed.Value is not null;

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => familyName switch
    {
        Cjk => new FontResolverInfo("cjk", bold, false),
        _ => new FontResolverInfo(bold ? "latin-bold" : "latin"),
    };

    public byte[]? GetFont(string faceName) => faceName switch
    {
        "cjk" => cjk,
        "latin-bold" => latinBold,
        _ => latin,
    };
}

/// <summary>The verification report as an A4 PDF (PDFsharp): the same facts as the print page, and the receipt's QR drawn as vector squares.</summary>
public static class ReportPdf
{
    private const double Margin = 50;

    public static byte[] Render(ReportView view)
    {
        if (!PdfFonts.Available)
        {
            throw new InvalidOperationException("The PDF fonts are missing.");
        }
        var ui = view.Ui;
        using var document = new PdfDocument();
        document.Info.Title = ui.T("职业技能等级证书核验报告", "Skill certificate verification report");
        document.Info.Creator = "SkillVerify";
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using var gfx = XGraphics.FromPdfPage(page);
        var width = page.Width.Point - 2 * Margin;
        var y = Margin;

        y = Text(gfx, ui.T("职业技能等级证书核验报告", "Skill certificate verification report"), Margin, y, width, 18, bold: true) + 8;
        var (css, _, word) = ui.Outcome(view.Answer.Outcome);
        var (fill, ink) = css switch
        {
            "state-valid" => (XColor.FromArgb(0x1b, 0x5e, 0x20), XColors.White),
            "state-invalid" => (XColor.FromArgb(0xb7, 0x1c, 0x1c), XColors.White),
            "state-not_found" => (XColor.FromArgb(0xff, 0xf4, 0xd6), XColor.FromArgb(0x4a, 0x35, 0x00)),
            _ => (XColor.FromArgb(0x2f, 0x4a, 0x66), XColors.White),
        };
        var boxTop = y;
        var measured = Text(null, word, Margin + 10, y + 8, width - 20, 16, bold: true);
        gfx.DrawRectangle(new XSolidBrush(fill), Margin, boxTop, width, measured - boxTop + 8);
        y = Text(gfx, word, Margin + 10, y + 8, width - 20, 16, bold: true, color: ink) + 14;

        foreach (var (label, value) in view.Facts())
        {
            y = Text(gfx, label, Margin, y, width, 9.5, color: XColor.FromArgb(0x44, 0x44, 0x44));
            y = Text(gfx, value, Margin, y, width, 11) + 5;
        }
        y = Text(gfx, ui.T("每一项核验", "Every check"), Margin, y + 4, width, 12, bold: true) + 3;
        foreach (var check in view.Answer.Checks)
        {
            y = Text(gfx, $"{ui.CheckStatus(check.Status)}：{ui.CheckMessage(check)}", Margin, y, width, 9.5) + 2;
        }

        // The receipt's QR, bottom right, with its sentence.
        const double qrSize = 130;
        var qrTop = Math.Max(y + 10, page.Height.Point - Margin - qrSize);
        DrawQr(gfx, view.ReceiptLink, page.Width.Point - Margin - qrSize, qrTop, qrSize);
        Text(gfx, ui.T("扫描二维码或在本服务的“核对报告”页粘贴签名回执，可确认本报告真实且未被修改。",
                "Scan the QR code, or paste the signed receipt into this service's \"Check a report\" page, to confirm this report is genuine and unchanged."),
            Margin, qrTop, width - qrSize - 20, 9.5);
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void DrawQr(XGraphics gfx, string payload, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.L);
        var modules = data.ModuleMatrix;
        var module = size / modules.Count;
        for (var row = 0; row < modules.Count; row++)
        {
            for (var col = 0; col < modules[row].Count; col++)
            {
                if (modules[row][col])
                {
                    gfx.DrawRectangle(XBrushes.Black, x + col * module, y + row * module, module + 0.05, module + 0.05);
                }
            }
        }
    }

    /// <summary>Draws (or with no graphics only measures) text wrapped to the width, each character in the font that has it; returns the y below it.</summary>
    private static double Text(XGraphics? gfx, string text, double x, double y, double width, double size, bool bold = false, XColor? color = null)
    {
        var style = bold ? XFontStyleEx.Bold : XFontStyleEx.Regular;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var cjk = new XFont(PdfFonts.Cjk, size, style, options);
        var latin = new XFont(PdfFonts.Latin, size, style, options);
        var brush = new XSolidBrush(color ?? XColors.Black);
        var lineHeight = size * 1.45;
        var measure = gfx ?? XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
        var cx = x;
        foreach (var run in Runs(text))
        {
            var font = run.Cjk ? cjk : latin;
            foreach (var piece in Pieces(run))
            {
                var w = measure.MeasureString(piece, font).Width;
                if (cx + w > x + width && cx > x)
                {
                    cx = x;
                    y += lineHeight;
                    if (piece == " ")
                    {
                        continue;
                    }
                }
                gfx?.DrawString(piece, font, brush, new XPoint(cx, y + size), XStringFormats.Default);
                cx += w;
            }
        }
        return y + lineHeight;

        // Latin text breaks between words, Chinese between any two characters.
        static IEnumerable<string> Pieces((string Text, bool Cjk) run)
        {
            if (run.Cjk)
            {
                foreach (var ch in run.Text)
                {
                    yield return ch.ToString();
                }
                yield break;
            }
            var start = 0;
            for (var i = 0; i < run.Text.Length; i++)
            {
                if (run.Text[i] == ' ')
                {
                    if (i > start)
                    {
                        yield return run.Text[start..i];
                    }
                    yield return " ";
                    start = i + 1;
                }
            }
            if (start < run.Text.Length)
            {
                yield return run.Text[start..];
            }
        }
    }

    private static IEnumerable<(string Text, bool Cjk)> Runs(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || IsCjk(text[i]) != IsCjk(text[start]))
            {
                yield return (text[start..i], IsCjk(text[start]));
                start = i;
            }
        }
    }

    // DejaVu Sans covers Latin, Greek, Cyrillic, general punctuation, arrows and dashes; the rest goes to the CJK font.
    private static bool IsCjk(char c) => c >= 0x2E80 || c is '（' or '）' or '：' or '，' or '。' or '、' or '；';
}
