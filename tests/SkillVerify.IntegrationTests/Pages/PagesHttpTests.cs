using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Pages;

/// <summary>The pages' HTTP contract: headers, limits, odd input, the receipt API. What they look like is in the browser tests.</summary>
public sealed class PagesHttpTests(PagesHttpTests.Service service) : IClassFixture<PagesHttpTests.Service>
{
    public sealed class Service : IDisposable
    {
        public SkillVerifyFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => service.Factory.CreateClient();

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Theory]
    [InlineData("/")]
    [InlineData("/?lang=en")]
    [InlineData("/organizations")]
    [InlineData("/organizations/Y000044030006")]
    [InlineData("/receipts")]
    [InlineData("/spreadsheet")]
    public async Task EveryPageIsNoStoreWithAPolicyThatAllowsNoScript(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html);
        // One layout: the same header and footer everywhere, the docs linked from the footer.
        Assert.Contains("<link rel=\"stylesheet\" href=\"/assets/site.css\" />", html);
        Assert.Contains("<a href=\"/docs\">", html);
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart());
    }

    [Fact]
    public async Task TheStylesheetIsServed()
    {
        using var response = await Client.GetAsync("/assets/site.css");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".state-not_found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheNameGoesOnlyInTheBodyAndComesBackOnlyInTheFormsOfANoStorePage()
    {
        using var response = await Client.PostAsync("/check", Form(("code", ValidCode), ("name", "王小明")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"VALID\"", html);
        Assert.Contains("王*明", html);
        // Only as the value of the report form's hidden field.
        var at = html.IndexOf("王小明", StringComparison.Ordinal);
        Assert.True(at > 0);
        Assert.Equal(at, html.LastIndexOf("王小明", StringComparison.Ordinal));
        Assert.EndsWith("<input type=\"hidden\" name=\"name\" value=\"", html[..at]);
        // The language switch of a POSTed page goes to a GET address without the name.
        Assert.Contains("href=\"/?lang=en\"", html);
    }

    [Theory]
    [InlineData("", "王小明")]
    [InlineData(ValidCode, "")]
    [InlineData(ValidCode, "  ")]
    public async Task AMissingFieldIsSaidOnTheForm(string code, string name)
    {
        using var response = await Client.PostAsync("/check", Form(("code", code), ("name", name)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("class=\"error\"", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.DoesNotContain("data-state=", html);
    }

    [Fact]
    public async Task FormsOfAnotherKindOrSizeAreRefused()
    {
        using var json = await Client.PostAsync("/check", new StringContent("{\"code\":\"x\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        using var big = await Client.PostAsync("/check", Form(("code", ValidCode), ("name", new string('王', 3000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        using var notMultipart = await Client.PostAsync("/spreadsheet", Form(("file", "x")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
    }

    [Fact]
    public async Task UnknownAndMalformedOrganizationsGetAPage()
    {
        using var unknown = await Client.GetAsync("/organizations/Y000099990001");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("评价机构目录中没有", await unknown.Content.ReadAsStringAsync());
        using var malformed = await Client.GetAsync("/organizations/%3Cb%3E");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain("<b>", await malformed.Content.ReadAsStringAsync());
    }

    private static MultipartFormDataContent Upload(byte[] file, string fileName)
    {
        var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(file), "file", fileName);
        return content;
    }

    [Fact]
    public async Task SpreadsheetsOverTheRowLimitOrWithoutTheColumnsAreRefusedWithASentence()
    {
        var rows = new StringBuilder("证书编号,姓名\n");
        for (var i = 0; i < Api.Pages.Spreadsheet.MaxRows + 1; i++)
        {
            rows.Append(ValidCode).Append(",王小明\n");
        }
        using var tooMany = await Client.PostAsync("/spreadsheet", Upload(Encoding.UTF8.GetBytes(rows.ToString()), "a.csv"));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains($"一次最多核验 {Api.Pages.Spreadsheet.MaxRows} 行", await tooMany.Content.ReadAsStringAsync());

        using var noColumns = await Client.PostAsync("/spreadsheet", Upload("a,b\n1,2\n"u8.ToArray(), "a.csv"));
        Assert.Equal(HttpStatusCode.BadRequest, noColumns.StatusCode);
        Assert.Contains("证书编号", await noColumns.Content.ReadAsStringAsync());

        using var garbage = await Client.PostAsync("/spreadsheet", Upload([0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "a.xlsx"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("无法读取", await garbage.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AGb18030CsvFromExcelIsRead()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        using var response = await Client.PostAsync("/spreadsheet", Upload(gb.GetBytes($"证书编号,姓名\r\n{ValidCode},王小明\r\n"), "a.csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-outcome=\"VALID\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheReceiptApiTellsGenuineFromChangedAndRefusesEmptyRequests()
    {
        using var report = await Client.PostAsync("/report", Form(("code", ValidCode), ("name", "王小明")));
        var html = await report.Content.ReadAsStringAsync();
        var start = html.IndexOf("readonly rows=\"6\">", StringComparison.Ordinal) + "readonly rows=\"6\">".Length;
        var receipt = html[start..html.IndexOf("</textarea>", start, StringComparison.Ordinal)];

        async Task<JsonElement> Check(string r)
        {
            using var response = await Client.PostAsJsonAsync("/api/v1/receipts/check", new { receipt = r });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        var genuine = await Check(receipt);
        Assert.Equal("genuine", genuine.GetProperty("state").GetString());
        var item = genuine.GetProperty("report").GetProperty("items")[0];
        Assert.Equal(ValidCode, item.GetProperty("code").GetString());
        Assert.Equal("VALID", item.GetProperty("outcome").GetString());
        Assert.True(item.GetProperty("holderCompared").GetBoolean());
        // No name of any form in a receipt.
        Assert.DoesNotContain("王", genuine.GetProperty("report").GetRawText());
        // The link form (what the QR holds) is accepted too.
        Assert.Equal("genuine", (await Check("https://verify.example/receipts?r=" + Uri.EscapeDataString(receipt))).GetProperty("state").GetString());

        var parts = receipt.Split('.');
        var other = await Client.PostAsync("/report", Form(("code", RevokedCode), ("name", "张伟")));
        var otherHtml = await other.Content.ReadAsStringAsync();
        var s2 = otherHtml.IndexOf("readonly rows=\"6\">", StringComparison.Ordinal) + "readonly rows=\"6\">".Length;
        var otherParts = otherHtml[s2..otherHtml.IndexOf("</textarea>", s2, StringComparison.Ordinal)].Split('.');
        // Another receipt's content under this one's signature: altered.
        Assert.Equal("altered", (await Check(parts[0] + "." + otherParts[1] + "." + parts[2])).GetProperty("state").GetString());
        Assert.Equal("unreadable", (await Check("not a receipt")).GetProperty("state").GetString());

        using var empty = await Client.PostAsJsonAsync("/api/v1/receipts/check", new { receipt = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("receipt.required", JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AReportNeedsTheNameOrAValidToken()
    {
        using var noName = await Client.PostAsync("/report", Form(("code", ValidCode)));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        using var wrongToken = await Client.PostAsync("/report", Form(("code", ValidCode), ("t", "t1.AAAAAAAAAAAAAAAA")));
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);
        var html = await wrongToken.Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-state=", html);
        Assert.DoesNotContain("textarea", html);
    }

    [Fact]
    public async Task EverySpreadsheetRowSpendsFromTheCallersHolderCheckBudget()
    {
        using var factory = SkillVerifyFactory.With(new Dictionary<string, string?> { ["RateLimiting:HolderChecksPerMinute"] = "3" });
        var client = factory.CreateClient();
        var csv = new StringBuilder("证书编号,姓名\n");
        for (var i = 0; i < 5; i++)
        {
            csv.Append(ValidCode).Append(",王小明\n");
        }
        using var response = await client.PostAsync("/spreadsheet", Upload(Encoding.UTF8.GetBytes(csv.ToString()), "a.csv"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, html.Split("data-outcome=\"VALID\"").Length - 1);
        Assert.Equal(2, html.Split("data-outcome=\"ERROR\"").Length - 1);
        Assert.Contains("此行未核验", html);
        // The budget is the same one the form spends from: it is used up.
        using var form = await client.PostAsync("/check", Form(("code", ValidCode), ("name", "王小明")));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.NotNull(form.Headers.RetryAfter);
    }

    [Fact]
    public async Task ResultsFilesAreMadeOnlyFromAGenuineSpreadsheetReceipt()
    {
        using var response = await Client.PostAsync("/spreadsheet/results.csv", Form(("receipt", "x.y.z")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
