using System.Globalization;
using System.Text;
using MiniExcelLibs;
using SkillVerify.IntegrationTests.Qr;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Pages;

/// <summary>An employer's spreadsheet check: a real XLSX and a real CSV with bad rows, the results table, both downloads read back.</summary>
public sealed class SpreadsheetPagesBrowserTests(PagesBrowser browser) : IClassFixture<PagesBrowser>
{
    // In the order given, with the row each lands on (row 1 is the header): a bad row never stops the others.
    private static readonly (string? Code, string? Name, string Expected)[] Rows =
    [
        (ValidCode, "王小明", "VALID"),
        (RevokedCode, "张伟", "INVALID"),
        (ValidCode, null, "row.name_missing"),        // bad row: no name
        ("Y000044030006233000999", "李四", "NOT_FOUND"),
        (null, "孙丽", "row.code_missing"),             // bad row: no code
        ("Y00111100000124T000002", "周卫东", "VALID"),
    ];

    private static string MakeFile(string format, View view)
    {
        var path = Path.Combine(TestOutput.Folder("pages"), $"upload-{view.Name}.{format}");
        // English headers in the English runs: either header works.
        var (codeHeader, nameHeader) = view.En ? ("Certificate code", "Name") : ("证书编号", "姓名");
        if (format == "xlsx")
        {
            var rows = Rows.Select(r => new Dictionary<string, object?> { ["序号"] = Array.IndexOf(Rows, r) + 1, [codeHeader] = r.Code, [nameHeader] = r.Name }).ToList();
            File.Delete(path);
            MiniExcel.SaveAs(path, rows);
        }
        else
        {
            var csv = new StringBuilder($"{codeHeader},{nameHeader},备注\n");
            foreach (var r in Rows)
            {
                csv.Append(r.Code).Append(',').Append(r.Name).Append(",x\n");
            }
            File.WriteAllText(path, csv.ToString(), new UTF8Encoding(true));
        }
        return path;
    }

    public static IEnumerable<object[]> Cases => View.All.SelectMany(v => new[] { new[] { v[0], "xlsx" }, new[] { v[0], "csv" } });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UploadCheckDownloadAndReadBack(View view, string format)
    {
        var page = await browser.OpenAsync(view, "/spreadsheet");
        Assert.Contains("100", await page.Locator("main").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "spreadsheet");
        await page.Locator("#file").SetInputFilesAsync(MakeFile(format, view));
        await page.Locator("main form button[type=submit]").ClickAsync();

        var rows = page.Locator("#results tbody tr");
        var seen = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.row + ':' + r.dataset.outcome)");
        Assert.Equal(Rows.Select((r, i) => $"{i + 2}:{(r.Expected.StartsWith("row.", StringComparison.Ordinal) ? "ERROR" : r.Expected)}"), seen);
        Assert.Contains("王*明", await rows.Nth(0).InnerTextAsync());
        Assert.Contains(view.T("缺少持证人姓名", "name is missing"), await rows.Nth(2).InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, $"spreadsheet-results-{format}");
        var receipt = await page.Locator("textarea#receipt").InputValueAsync();
        Assert.Equal(3, receipt.Split('.').Length);

        // Both downloads, read back: one row per uploaded row, in order, the receipt with them.
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-xlsx").ClickAsync());
        var xlsxPath = Path.Combine(TestOutput.Folder("pages"), $"results-{view.Name}-{format}.xlsx");
        await xlsx.SaveAsAsync(xlsxPath);
        var sheets = MiniExcel.GetSheetNames(xlsxPath);
        Assert.Equal([view.T("核验结果", "Results"), view.T("签名回执", "Receipt")], sheets);
        var back = MiniExcel.Query(xlsxPath, useHeaderRow: true, sheetName: sheets[0]).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(Rows.Select(r => r.Expected), back.Select(r => (string)r[view.T("结果代码", "Outcome code")]));
        Assert.Equal(Enumerable.Range(2, Rows.Length).Select(i => (double)i), back.Select(r => Convert.ToDouble(r[view.T("行号", "Row")], CultureInfo.InvariantCulture)));
        var receiptSheet = MiniExcel.Query(xlsxPath, useHeaderRow: true, sheetName: sheets[1]).Cast<IDictionary<string, object>>().Single();
        Assert.Equal(receipt, receiptSheet.Values.Single());

        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-csv").ClickAsync());
        var csvPath = Path.Combine(TestOutput.Folder("pages"), $"results-{view.Name}-{format}.csv");
        await csv.SaveAsAsync(csvPath);
        var lines = await File.ReadAllLinesAsync(csvPath);
        Assert.Equal(view.T("签名回执", "Signed receipt") + "," + receipt, lines[^1]);
        var csvRows = MiniExcel.Query(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines[..^1]))), useHeaderRow: true, excelType: ExcelType.CSV)
            .Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(Rows.Select(r => r.Expected), csvRows.Select(r => (string)r[view.T("结果代码", "Outcome code")]));
        Assert.Equal(Rows.Select(r => r.Code ?? ""), csvRows.Select(r => (string)r[view.T("证书编号", "Certificate code")] ?? ""));

        // The receipt of the results checks out on the receipt page.
        var check = await browser.OpenAsync(view, "/receipts");
        await check.Locator("textarea#receipt").FillAsync(receipt);
        await check.Locator("main form button[type=submit]").ClickAsync();
        Assert.Equal("genuine", await check.Locator("[data-receipt]").GetAttributeAsync("data-receipt"));
        Assert.Equal(Rows.Length, await check.Locator("#receipt-items tbody tr").CountAsync());
    }
}
