using System.Net;
using Microsoft.Playwright;
using SkillVerify.Api.OpenApi;
using SkillVerify.IntegrationTests.Infrastructure;
using SkillVerify.IntegrationTests.Qr;

namespace SkillVerify.IntegrationTests.Contract;

/// <summary>
/// /docs as an integrator opens it: Debian's headless Chromium (through Playwright, never a downloaded browser) on a
/// real Kestrel. The page asks nothing of any other origin (no fonts, no telemetry), has its Chinese title, the
/// operations in the integrator's order, the X-Api-Key panel, and none of the docs tool's own promotional buttons.
/// The screenshot goes to test-output/docs/.
/// </summary>
public sealed class DocsPageTests : IClassFixture<KestrelFactory>
{
    private static readonly string[] SidebarTags = ["核验证书 · Verify a certificate", "解析证书编号", "Registry", "Partners", "QR codes", "Admin", "Signing"];

    private readonly KestrelFactory server;

    public DocsPageTests(KestrelFactory server) => this.server = server;

    [Fact]
    public async Task TheDocsPageLoadsNothingFromOutsideAndShowsTheIntegratorsApi()
    {
        if (!File.Exists(MobilePageBrowserTests.ChromiumPath))
        {
            throw new InvalidOperationException(QrTestSupport.HowToInstall($"Chromium ({MobilePageBrowserTests.ChromiumPath}, Debian package chromium)"));
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = MobilePageBrowserTests.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        var origin = server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                outside.Add(request.Url);
            }
        };

        var response = await page.GotoAsync(origin + "/docs", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 60_000 });
        await page.Locator("text=核验证书 · Verify a certificate").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        var text = await page.InnerTextAsync("body");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestOutput.Folder("docs"), "docs.png") });

        Assert.Equal(200, response!.Status);
        Assert.Empty(outside);
        Assert.Contains("技能等级证书核验", await page.TitleAsync());
        Assert.Contains("NOT_FOUND", text);
        Assert.Contains("X-Api-Key", text);
        foreach (var promotion in new[] { "Ask AI", "Deploy .NET", "Generate SDK", "Developer Tools", "Open API Client" })
        {
            Assert.DoesNotContain(promotion, text, StringComparison.OrdinalIgnoreCase);
        }
        // The sidebar (first in the page's text) lists the tags in the integrator's order, verify before decode, signing keys last.
        var sidebar = text[..text.IndexOf("Models", StringComparison.Ordinal)];
        var order = SidebarTags.Select(name => sidebar.IndexOf(name, StringComparison.Ordinal)).ToList();
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), $"The sidebar is not in the integrator's order: {sidebar}");
    }

    [Fact]
    public async Task EveryProblemTypeResolvesToThePageListingEveryCode()
    {
        using var client = server.CreateNetworkClient();

        var asked = await client.GetAsync("/problems/code.level");
        var html = await asked.Content.ReadAsStringAsync();
        var unknown = await client.GetAsync("/problems/no.such_code");

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("text/html", asked.Content.Headers.ContentType?.MediaType);
        Assert.All(ProblemCatalog.All, p =>
        {
            Assert.Contains($"<code>{p.Code}</code>", html);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(p.MeaningZh), html);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(p.MeaningEn), html);
        });
        Assert.Contains("class=\"asked\"><td><code>code.level</code>", html);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("/problems/http.not_found", (await unknown.JsonAsync()).Str("type"));
    }

    [Fact]
    public async Task A401SaysWhichCredentialItWantsAndItsTypeIsItsCodesPage()
    {
        using var client = server.CreateNetworkClient();

        var batch = await client.PostJsonAsync("/api/v1/verifications/batch", new { items = new[] { new { code = "Y000044030006233000123", holderName = "王小明" } } });
        var admin = await client.GetAsync("/api/v1/certificates/Y000044030006233000123/qr.png");
        var body = await batch.JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, batch.StatusCode);
        Assert.Equal("ApiKey realm=\"SkillVerify\", header=\"X-Api-Key\"", batch.Headers.WwwAuthenticate.ToString());
        Assert.Equal("/problems/auth.key_required", body.Str("type"));
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.Single(admin.Headers.WwwAuthenticate);
    }
}
