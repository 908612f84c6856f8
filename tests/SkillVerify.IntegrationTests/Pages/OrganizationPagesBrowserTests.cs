namespace SkillVerify.IntegrationTests.Pages;

/// <summary>Looking up an issuer as a person: the search by province, type, occupation and name, and an entry page.</summary>
public sealed class OrganizationPagesBrowserTests(PagesBrowser browser) : IClassFixture<PagesBrowser>
{
    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task SearchByProvinceThenOpenTheEntry(View view)
    {
        var page = await browser.OpenAsync(view, "/organizations");
        await PagesBrowser.CheckAsync(page, view, "organizations");
        await page.Locator("#province").SelectOptionAsync("44");
        await page.Locator("form[role=search] button[type=submit]").ClickAsync();
        Assert.Contains("province=44", page.Url);
        var rows = page.Locator("#results tbody tr");
        Assert.Equal(["Y000044030006"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.org)"));
        Assert.Equal("44", await page.Locator("#province").InputValueAsync());
        await PagesBrowser.CheckAsync(page, view, "organizations-search");

        await page.Locator("#results a").ClickAsync();
        Assert.Equal("深圳华强精密制造有限公司", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("2020-03-01 – " + view.T("至今", "open-ended"), await page.Locator("dd[data-field=registration]").InnerTextAsync());
        Assert.Contains(view.T("备案有效", "Registered"), await page.Locator("#status-history").InnerTextAsync());
        Assert.Contains("6-31-01-03", await page.Locator("#scope").InnerTextAsync());
        Assert.Contains("电工", await page.Locator("#scope").InnerTextAsync());
        Assert.Contains("合格", await page.Locator("#quality").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "organization-entry");
    }

    [Theory]
    [MemberData(nameof(View.All), MemberType = typeof(View))]
    public async Task SearchByTypeAndOccupationFindsTheSuspendedSchool(View view)
    {
        var page = await browser.OpenAsync(view, "/organizations");
        await page.Locator("#type").SelectOptionAsync("S");
        await page.Locator("#occupation").FillAsync("4-10-01-02");
        await page.Locator("#q").FillAsync("泉城");
        await page.Locator("form[role=search] button[type=submit]").ClickAsync();
        Assert.Equal(["S000037020202"], await page.Locator("#results tbody tr").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.org)"));
        await page.Locator("#results a").ClickAsync();
        Assert.Equal("山东泉城技工学校", await page.Locator("h1").InnerTextAsync());
        var history = await page.Locator("#status-history").InnerTextAsync();
        Assert.Contains(view.T("暂停评价", "Suspended"), history);
        Assert.Contains("2025-06-01", history);
        Assert.Contains("不合格", await page.Locator("#quality").InnerTextAsync());
        Assert.Contains(view.T("暂停评价", "Suspended"), await page.Locator("[data-field=org-status]").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "organization-suspended");

        // A wrong occupation code is said so on the page.
        page = await browser.OpenAsync(view, "/organizations?occupation=abc");
        Assert.Contains(view.T("职业编码", "occupation code"), await page.Locator("#search-error").InnerTextAsync());
        await PagesBrowser.CheckAsync(page, view, "organizations-error");
    }
}
