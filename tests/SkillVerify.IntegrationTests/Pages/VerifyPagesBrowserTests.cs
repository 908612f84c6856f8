using System.Net;
using Microsoft.Playwright;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Pages;

/// <summary>
/// A person verifying a certificate from the home page, at phone and desktop size, in Chinese and English: each of the
/// four outcomes in its own words and colour, the standings, NOT_FOUND's filled form for a retry, and the QR page.
/// </summary>
public sealed class VerifyPagesBrowserTests(PagesBrowser browser) : IClassFixture<PagesBrowser>
{
    private const string PendingReviewCode = "Y00004403000623T000003"; // 周杰, 特级技师 from a pre-2022 title awaiting 复核确认 (the demo data of issue 12)
    private const string HistoricalCode = "Y00004403000622T000007";   // 赵强, 特级技师 whose appointment term ended

    // The outcome colours of site.css, as the browser computes them.
    private static readonly Dictionary<string, string> Backgrounds = new()
    {
        ["VALID"] = "rgb(27, 94, 32)",
        ["INVALID"] = "rgb(183, 28, 28)",
        ["NOT_FOUND"] = "rgb(255, 244, 214)",
        ["UNKNOWN"] = "rgb(47, 74, 102)",
    };

    private static string Word(View view, string outcome) => outcome switch
    {
        "VALID" => view.T("有效", "Valid"),
        "INVALID" => view.T("无效", "Invalid"),
        "NOT_FOUND" => view.T("未查到相符的证书，请核对编号和姓名", "Not found — check the code and name"),
        _ => view.T("无法确认", "Cannot be confirmed"),
    };

    private static async Task SubmitAsync(IPage page, string code, string name)
    {
        var form = page.Locator("form.verify-form");
        await form.Locator("#code").FillAsync(code);
        await form.Locator("#name").FillAsync(name);
        await form.Locator("button[type=submit]").ClickAsync();
    }

    private static async Task AssertOutcomeAsync(IPage page, View view, string outcome)
    {
        var state = page.Locator("section[data-state]");
        Assert.Equal(outcome, await state.GetAttributeAsync("data-state"));
        Assert.Contains(Word(view, outcome), await page.Locator("h1#state").InnerTextAsync());
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#reason").InnerTextAsync()));
        Assert.Equal(Backgrounds[outcome], await state.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        // Every check is listed in plain words.
        Assert.True(await page.Locator("li[data-check]").CountAsync() >= 5);
        // The name went in a POST body, never into the address.
        Assert.DoesNotContain("name=", page.Url);
        Assert.DoesNotContain("%E", page.Url);
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task HomeThenValid(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        Assert.Contains(view.T("核验职业技能等级证书", "Verify a skill-level certificate"), await page.Locator("h1").InnerTextAsync());
        Assert.Contains(view.T("身份证件号码", "ID card numbers"), await page.Locator("main").InnerTextAsync());
        Assert.Equal("/docs", await page.Locator("footer a[href='/docs']").GetAttributeAsync("href"));
        Assert.Equal(1, await page.Locator("main a[href^='/organizations']").CountAsync());
        await PagesBrowser.CheckAsync(page, view, "home");

        await SubmitAsync(page, ValidCode, "王小明");
        await AssertOutcomeAsync(page, view, "VALID");
        Assert.Equal("王*明", await page.Locator("dd[data-field=holder]").InnerTextAsync());
        Assert.StartsWith(view.T("高级工", "Advanced worker"), await page.Locator("dd[data-field=level]").InnerTextAsync());
        Assert.Contains(view.T("版", "snapshot"), await page.Locator("dd[data-field=freshness]").InnerTextAsync());
        Assert.Equal(0, await page.Locator("[data-notice=name-not-compared]").CountAsync());
        await PagesBrowser.CheckAsync(page, view, "result-valid");

        // The language is kept across links: the issuer link carries it.
        var issuer = await page.Locator("dd[data-field=issuer] a").GetAttributeAsync("href");
        Assert.Equal("/organizations/Y000044030006" + (view.En ? "?lang=en" : ""), issuer);
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task NotFoundKeepsTheFormFilledForARetry(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        await SubmitAsync(page, ValidCode, "李四");
        await AssertOutcomeAsync(page, view, "NOT_FOUND");
        Assert.Equal(0, await page.Locator("dd[data-field=holder]").CountAsync());
        var retry = page.Locator("form.verify-form");
        Assert.Equal(ValidCode, await retry.Locator("#code").InputValueAsync());
        Assert.Equal("李四", await retry.Locator("#name").InputValueAsync());
        await PagesBrowser.CheckAsync(page, view, "result-not-found");

        // The same words for a code no one holds.
        var wrongName = await page.Locator("section[data-state]").InnerHTMLAsync();
        await SubmitAsync(page, "Y000044030006233000999", "李四");
        await AssertOutcomeAsync(page, view, "NOT_FOUND");
        Assert.Equal(wrongName, await page.Locator("section[data-state]").InnerHTMLAsync());

        // Corrected in the kept form: VALID.
        await SubmitAsync(page, ValidCode, "王小明");
        await AssertOutcomeAsync(page, view, "VALID");
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task RevokedIsInvalid(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        await SubmitAsync(page, RevokedCode, "张伟");
        await AssertOutcomeAsync(page, view, "INVALID");
        Assert.Contains(view.T("撤销", "revoked"), await page.Locator("#reason").InnerTextAsync());
        Assert.Equal("2024-03-01", await page.Locator("dd[data-field=revoked-on]").InnerTextAsync());
        Assert.Equal("张*", await page.Locator("dd[data-field=holder]").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "result-invalid");
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task AwaitingReviewCannotBeConfirmed(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        await SubmitAsync(page, PendingReviewCode, "周杰");
        await AssertOutcomeAsync(page, view, "UNKNOWN");
        Assert.Equal(view.T("待复核确认", "Awaiting review"), await page.Locator("[data-standing=awaiting_review]").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "result-unknown");
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task EndedAppointmentIsValidAndHistorical(View view)
    {
        var page = await browser.OpenAsync(view, "/");
        await SubmitAsync(page, HistoricalCode, "赵强");
        await AssertOutcomeAsync(page, view, "VALID");
        // The term ended on 2024-06-30: historical since the next day.
        Assert.Equal(view.T("历史称号（自 2024-07-01 起）", "Historical title (since 2024-07-01)"), await page.Locator("[data-standing=historical]").InnerTextAsync());
        Assert.Equal("2022-07-01 – 2024-06-30", await page.Locator("dd[data-field=term]").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "result-historical");
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task QrPageSaysTheNameWasNotComparedAndOffersTheCheck(View view)
    {
        using var qr = await browser.Server.RealClient(admin: true).GetAsync($"/api/v1/certificates/{ValidCode}/qr.png");
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        var link = new Uri(qr.Headers.GetValues(Api.Qr.QrApi.PayloadHeader).Single());
        var page = await browser.OpenAsync(view, link.PathAndQuery);
        await AssertOutcomeAsync(page, view, "VALID");
        var notice = page.Locator("[data-notice=name-not-compared]");
        Assert.Contains(view.T("未比对持证人姓名", "name was not compared"), await notice.InnerTextAsync());
        Assert.Equal("王*明", await page.Locator("dd[data-field=holder]").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "qr-token");

        // The offered name check: POSTed to /v/{code}, the code fixed.
        await page.Locator("form.verify-form #name").FillAsync("王小明");
        await page.Locator("form.verify-form button[type=submit]").ClickAsync();
        await AssertOutcomeAsync(page, view, "VALID");
        Assert.Equal(0, await page.Locator("[data-notice=name-not-compared]").CountAsync());
        await PagesBrowser.CheckAsync(page, view, "qr-name-checked");
    }
}
