using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SkillVerify.IntegrationTests.Qr;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Pages;

/// <summary>The printable report, its PDF, and the check of its signed receipt (scanned from its QR, or pasted; a changed one fails).</summary>
public sealed partial class ReportPagesBrowserTests(PagesBrowser browser) : IClassFixture<PagesBrowser>
{
    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task PrintTheReportThenCheckItsReceipt(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        await page.Locator("form.verify-form #code").FillAsync(ValidCode);
        await page.Locator("form.verify-form #name").FillAsync("王小明");
        await page.Locator("form.verify-form button[type=submit]").ClickAsync();
        await page.Locator("#print-report").ClickAsync();

        var report = await page.Locator("#report").InnerTextAsync();
        Assert.Contains(view.T("有效", "Valid"), report);
        Assert.Contains(view.T("姓名已比对", "the name was compared"), report);
        Assert.Contains(view.T("评价机构目录版本", "Registry snapshot"), report);
        Assert.Contains("王*明", report);
        Assert.DoesNotContain("王小明", report);
        await PagesBrowser.CheckAsync(page, view, "report");
        // Printed: the navigation and buttons are left out.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.Locator("#pdf-report").IsVisibleAsync());
        Assert.True(await page.Locator("#receipt-qr").IsVisibleAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestOutput.Folder("pages"), $"report-print-{view.Name}.png"), FullPage = true });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        // The QR holds a link to the receipt check: read the printed image with zbarimg and open it.
        var receipt = await page.Locator("textarea#receipt").InputValueAsync();
        var src = await page.Locator("#receipt-qr").GetAttributeAsync("src");
        var scanned = await ReadWithZbarAsync(Convert.FromBase64String(src!["data:image/png;base64,".Length..]), $"report-receipt-{view.Name}");
        Assert.StartsWith(browser.Server.BaseAddress + "receipts?r=", scanned);
        Assert.EndsWith(receipt, Uri.UnescapeDataString(scanned));
        var check = await browser.OpenAsync(view, new Uri(scanned).PathAndQuery);
        Assert.Equal("genuine", await check.Locator("[data-receipt]").GetAttributeAsync("data-receipt"));
        Assert.Contains(view.T("真实且未被修改", "Genuine and unchanged"), await check.Locator("#state").InnerTextAsync());
        Assert.Contains(ValidCode, await check.Locator("#receipt-items").InnerTextAsync());
        await PagesBrowser.CheckAsync(check, view, "receipt-genuine");

        // The signed content changed as a forger would (VALID -> INVALID, re-encoded, the signature kept): the check fails.
        var parts = receipt.Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var changed = json.Replace("\"outcome\":\"VALID\"", "\"outcome\":\"INVALID\"", StringComparison.Ordinal);
        Assert.NotEqual(json, changed);
        check = await browser.OpenAsync(view, "/receipts");
        await check.Locator("textarea#receipt").FillAsync(parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(changed)) + "." + parts[2]);
        await check.Locator("main form button[type=submit]").ClickAsync();
        Assert.Equal("altered", await check.Locator("[data-receipt]").GetAttributeAsync("data-receipt"));
        Assert.Equal(0, await check.Locator("#receipt-items").CountAsync());
        await PagesBrowser.CheckAsync(check, view, "receipt-altered");

        // One character flipped anywhere: never genuine.
        var flipped = parts[1][..10] + (parts[1][10] == 'A' ? 'B' : 'A') + parts[1][11..];
        await check.Locator("textarea#receipt").FillAsync(parts[0] + "." + flipped + "." + parts[2]);
        await check.Locator("main form button[type=submit]").ClickAsync();
        Assert.NotEqual("genuine", await check.Locator("[data-receipt]").GetAttributeAsync("data-receipt"));

        // The pasted original is genuine.
        await check.Locator("textarea#receipt").FillAsync(receipt);
        await check.Locator("main form button[type=submit]").ClickAsync();
        Assert.Equal("genuine", await check.Locator("[data-receipt]").GetAttributeAsync("data-receipt"));

        // The PDF: its text holds the outcome and the level; page 1 rendered to PNG to be looked at.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#pdf-report").ClickAsync());
        var pdf = Path.Combine(TestOutput.Folder("pages"), $"report-{view.Name}.pdf");
        await download.SaveAsAsync(pdf);
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync(pdf));
        var text = await PagesBrowser.RunAsync("pdftotext", "poppler-utils", "-layout", pdf, "-");
        Assert.Contains(view.T("有效", "Valid"), text);
        Assert.Contains(view.T("高级工（三级）", "Advanced worker"), text);
        Assert.Contains(view.T("职业技能等级证书核验报告", "Skill certificate verification report"), text);
        Assert.Contains("王*明", text);
        Assert.Matches(SnapshotLine(), text);
        var png = Path.Combine(TestOutput.Folder("pages"), $"report-pdf-{view.Name}");
        await PagesBrowser.RunAsync("pdftoppm", "poppler-utils", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, png);
        Assert.True(new FileInfo(png + ".png").Length > 10_000);
    }

    [GeneratedRegex(@"(第 \d+ 版|snapshot \d+)")]
    private static partial Regex SnapshotLine();
}
