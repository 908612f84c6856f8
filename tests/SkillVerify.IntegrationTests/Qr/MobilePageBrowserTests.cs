using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Verification;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>
/// The mobile page as a phone sees it: served by a real Kestrel on 127.0.0.1, rendered by Debian's headless
/// Chromium at 360×780 through Playwright (which is pointed at /usr/bin/chromium and never downloads a browser).
/// Screenshots go to test-output/mobile-page/.
/// </summary>
public sealed class MobilePageBrowserTests(MobilePageBrowserTests.Phone phone) : IClassFixture<MobilePageBrowserTests.Phone>
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public sealed class Phone : IAsyncLifetime
    {
        private IPlaywright? playwright;

        public KestrelSkillVerifyFactory Server { get; } = new();
        public IBrowser Browser { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            if (!File.Exists(ChromiumPath))
            {
                throw new InvalidOperationException(HowToInstall($"Chromium ({ChromiumPath}, Debian package chromium)"));
            }
            playwright = await Playwright.CreateAsync();
            Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }

        public async Task<IPage> NewPageAsync()
        {
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 360, Height = 780 },
                DeviceScaleFactor = 1,
                IsMobile = true,
                HasTouch = true,
                Locale = "zh-CN",
                JavaScriptEnabled = false, // the page must work without it
            });
            return await context.NewPageAsync();
        }

        public async Task DisposeAsync()
        {
            if (Browser is not null)
            {
                await Browser.CloseAsync();
            }
            playwright?.Dispose();
            Server.Dispose();
        }
    }

    /// <summary>The link printed in the certificate's QR, as the admin endpoint issues it (the demo prints the server's own base URL).</summary>
    private async Task<string> PrintedLinkAsync(string code)
    {
        using var response = await phone.Server.RealClient(admin: true).GetAsync($"/api/v1/certificates/{code}/qr.png");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var link = response.Headers.GetValues(Api.Qr.QrApi.PayloadHeader).Single();
        Assert.StartsWith(phone.Server.BaseAddress.ToString().TrimEnd('/') + "/v/" + code + "?t=", link);
        return link;
    }

    /// <summary>What the JSON API says a name-matched verification shows: the expected masked name and level.</summary>
    private async Task<CertificateDto> ExpectedAsync(string code, string name)
    {
        using var response = await phone.Server.RealClient().PostAsJsonAsync("/api/v1/verifications", new VerificationRequest(code, name, null), VerificationJson.Default.VerificationRequest);
        var answer = (await response.Content.ReadFromJsonAsync(VerificationJson.Default.VerificationResponse))!;
        return answer.Certificate!;
    }

    private static async Task<string> ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(TestOutput.Folder("mobile-page"), name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000);
        return path;
    }

    private static async Task AssertFitsThePhoneAsync(IPage page)
    {
        // Readable at 360 px: nothing forces sideways scrolling.
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"the page is {width} px wide at a 360 px viewport");
        Assert.Equal(1, await page.Locator("main").CountAsync());
        Assert.Equal(1, await page.Locator("header").CountAsync());
        Assert.Equal(1, await page.Locator("footer").CountAsync());
    }

    private static async Task AssertStateAsync(IPage page, string state, string word)
    {
        var section = page.Locator("[data-state]");
        Assert.Equal(state, await section.GetAttributeAsync("data-state"));
        Assert.Contains(word, await page.Locator("h1#state").InnerTextAsync());
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#reason").InnerTextAsync()));
    }

    private static Task<string> FieldAsync(IPage page, string field) => page.Locator($"dd[data-field={field}]").InnerTextAsync();

    [Fact]
    public async Task ValidCertificateWithItsTokenShowsStateLevelAndMaskedName()
    {
        var expected = await ExpectedAsync(ValidCode, "王小明");
        var page = await phone.NewPageAsync();
        var response = await page.GotoAsync(await PrintedLinkAsync(ValidCode));
        Assert.Equal("no-store", response!.Headers["cache-control"]);

        await AssertStateAsync(page, "VALID", "有效");
        Assert.Equal(expected.HolderNameMasked, await FieldAsync(page, "holder"));
        Assert.Equal("王*明", expected.HolderNameMasked);
        Assert.StartsWith(expected.Level.Name, await FieldAsync(page, "level"));
        Assert.Contains("电工", await FieldAsync(page, "occupation"));
        Assert.Equal("2023-06-15", await FieldAsync(page, "issue-date"));
        // The issuer link opens the organization's page for people, not JSON.
        Assert.Equal("/organizations/Y000044030006", await page.Locator("dd[data-field=issuer] a").GetAttributeAsync("href"));
        // A token view compared no name, and says so.
        Assert.Contains("未比对持证人姓名", await page.Locator("[data-notice=name-not-compared]").InnerTextAsync());
        Assert.Contains("版", await FieldAsync(page, "freshness"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "valid-zh");

        // The English switch is a plain link that keeps the token.
        await page.Locator("header a[hreflang]").ClickAsync();
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await AssertStateAsync(page, "VALID", "Valid");
        Assert.StartsWith(expected.Level.NameEn, await FieldAsync(page, "level"));
        Assert.Equal(expected.HolderNameMasked, await FieldAsync(page, "holder"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "valid-en");
    }

    [Fact]
    public async Task RevokedCertificateShowsInvalidWithTheRevocation()
    {
        var expected = await ExpectedAsync(RevokedCode, "张伟");
        var page = await phone.NewPageAsync();
        await page.GotoAsync(await PrintedLinkAsync(RevokedCode));

        await AssertStateAsync(page, "INVALID", "无效");
        Assert.Contains("撤销", await page.Locator("#reason").InnerTextAsync());
        Assert.Equal(expected.HolderNameMasked, await FieldAsync(page, "holder"));
        Assert.StartsWith(expected.Level.Name, await FieldAsync(page, "level"));
        Assert.Equal("2024-03-01", await FieldAsync(page, "revoked-on"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "revoked-zh");
    }

    [Fact]
    public async Task InvalidCertificateShowsTheFailingCheckAsTheReason()
    {
        var expected = await ExpectedAsync(OutOfScopeCode, "孙丽");
        var page = await phone.NewPageAsync();
        await page.GotoAsync(await PrintedLinkAsync(OutOfScopeCode) + "&lang=en");

        await AssertStateAsync(page, "INVALID", "Invalid");
        Assert.Contains("scope", await page.Locator("#reason").InnerTextAsync());
        Assert.Equal(expected.HolderNameMasked, await FieldAsync(page, "holder"));
        Assert.StartsWith(expected.Level.NameEn, await FieldAsync(page, "level"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "invalid-out-of-scope-en");
    }

    [Fact]
    public async Task WrongTokenRevealsNothingAndAsksForTheName()
    {
        var expected = await ExpectedAsync(ValidCode, "王小明");
        var link = await PrintedLinkAsync(ValidCode);
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link[..link.IndexOf("?t=", StringComparison.Ordinal)] + "?t=demo.AAAAAAAAAAAAAAAA");

        Assert.Equal(0, await page.Locator("[data-state]").CountAsync());
        var text = await page.Locator("body").InnerTextAsync();
        Assert.Contains("核验令牌无效", text);
        Assert.DoesNotContain(expected.HolderNameMasked, text);
        Assert.DoesNotContain(expected.Level.Name, text);
        Assert.DoesNotContain("电工", text);
        Assert.Equal(0, await page.Locator("dd[data-field=level]").CountAsync());
        Assert.Equal("post", await page.Locator("form").GetAttributeAsync("method"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "wrong-token-form-zh");

        // A wrong name: not found (amber, "check what you typed", never 无效), nothing about the record, and the form kept filled for a retry.
        await page.Locator("#name").FillAsync("李四");
        await page.Locator("button[type=submit]").ClickAsync();
        await AssertStateAsync(page, "NOT_FOUND", "未查到相符的证书，请核对编号和姓名");
        Assert.Equal("李四", await page.Locator("#name").InputValueAsync());
        Assert.DoesNotContain("?", page.Url.Replace(phone.Server.BaseAddress.ToString(), ""));
        Assert.Equal(0, await page.Locator("dd[data-field=holder]").CountAsync());
        Assert.DoesNotContain("李四", await page.Locator("body").InnerTextAsync());
        Assert.DoesNotContain("李四", page.Url);
        await ShotAsync(page, "wrong-token-wrong-name-zh");

        // The right name, posted (never in the URL): VALID with the masked name and level.
        await page.GoBackAsync();
        await page.Locator("#name").FillAsync("王小明");
        await page.Locator("button[type=submit]").ClickAsync();
        await AssertStateAsync(page, "VALID", "有效");
        Assert.DoesNotContain("%E7%8E%8B", page.Url);
        Assert.Equal(expected.HolderNameMasked, await FieldAsync(page, "holder"));
        Assert.StartsWith(expected.Level.Name, await FieldAsync(page, "level"));
        await AssertFitsThePhoneAsync(page);
        await ShotAsync(page, "wrong-token-right-name-zh");
    }

    [Fact]
    public async Task MissingTokenAsksForTheNameInEnglishToo()
    {
        var page = await phone.NewPageAsync();
        await page.GotoAsync(new Uri(phone.Server.BaseAddress, $"/v/{RevokedCode}?lang=en").ToString());
        Assert.Equal(0, await page.Locator("[data-state]").CountAsync());
        Assert.Equal("Holder's name", await page.Locator("label[for=name]").InnerTextAsync());
        Assert.DoesNotContain("Revoked", await page.Locator("body").InnerTextAsync());

        await page.Locator("#name").FillAsync("张伟");
        await page.Locator("button[type=submit]").ClickAsync();
        await AssertStateAsync(page, "INVALID", "Invalid");
        Assert.Contains("revoked", await page.Locator("#reason").InnerTextAsync());
        await ShotAsync(page, "missing-token-revoked-en");
    }

    [Fact]
    public async Task EverythingShownIsHtmlEncoded()
    {
        var page = await phone.NewPageAsync();
        await page.GotoAsync(new Uri(phone.Server.BaseAddress, "/v/%3Cimg%20src%3Dx%3E%3Cb%3Ehi?t=%22%3E%3Cb%3E").ToString());
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Equal(0, await page.Locator("main b").CountAsync());
        await AssertStateAsync(page, "NOT_FOUND", "未查到相符的证书");
        Assert.Contains("<img src=x><b>hi", await FieldAsync(page, "code"));
    }

    [Fact]
    public async Task SvgQrRenderedByTheBrowserReadsBackAsTheLink()
    {
        using var response = await phone.Server.RealClient(admin: true).GetAsync($"/api/v1/certificates/{ValidCode}/qr.svg?scale=6");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payload = response.Headers.GetValues(Api.Qr.QrApi.PayloadHeader).Single();
        var svg = Convert.ToBase64String(await response.Content.ReadAsByteArrayAsync());
        var page = await phone.NewPageAsync();
        await page.SetContentAsync($"<!DOCTYPE html><body style=\"margin:0;background:#fff\"><img id=\"qr\" style=\"padding:24px;background:#fff\" src=\"data:image/svg+xml;base64,{svg}\"></body>");
        var png = await page.Locator("#qr").ScreenshotAsync();
        Assert.Equal(payload, await ReadWithZbarAsync(png, "svg-rendered-by-chromium"));
    }
}
