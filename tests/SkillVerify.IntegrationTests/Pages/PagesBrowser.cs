using System.Diagnostics;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SkillVerify.IntegrationTests.Qr;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Pages;

/// <summary>A screen size and a language a flow is run in.</summary>
public sealed record View(int Width, int Height, string Lang)
{
    public bool En => Lang == "en";

    public string Name => $"{Lang}-{Width}";

    public string T(string zh, string en) => En ? en : zh;

    public override string ToString() => $"{Width}x{Height} {Lang}";

    public static IEnumerable<object[]> All =>
    [
        [new View(360, 780, "zh")],
        [new View(360, 780, "en")],
        [new View(1280, 900, "zh")],
        [new View(1280, 900, "en")],
    ];
}

/// <summary>
/// The service on a real Kestrel at 127.0.0.1 and Debian's Chromium (/usr/bin/chromium, never a downloaded browser)
/// through Playwright, shared by the page tests of a class. Screenshots go to test-output/pages/.
/// </summary>
public sealed class PagesBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public KestrelSkillVerifyFactory Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(MobilePageBrowserTests.ChromiumPath))
        {
            throw new InvalidOperationException(HowToInstall($"Chromium ({MobilePageBrowserTests.ChromiumPath}, Debian package chromium)"));
        }
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = MobilePageBrowserTests.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// A fresh browser context at the view's size. JavaScript stays on only so that axe-core can be injected (the pages
    /// ship no script, and their CSP allows none); MobilePageBrowserTests runs the forms with JavaScript off.
    /// </summary>
    public async Task<IPage> OpenAsync(View view, string path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = view.Width, Height = view.Height },
            DeviceScaleFactor = 1,
            IsMobile = view.Width < 600,
            HasTouch = view.Width < 600,
            Locale = view.En ? "en-US" : "zh-CN",
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(Url(path, view));
        Assert.NotNull(response);
        Assert.Equal("no-store", response!.Headers["cache-control"]);
        return page;
    }

    public string Url(string path, View view) =>
        new Uri(Server.BaseAddress, path).ToString() + (view.En ? (path.Contains('?') ? "&" : "?") + "lang=en" : "");

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        playwright?.Dispose();
        Server.Dispose();
    }

    /// <summary>Every page state a test reaches: axe-core finds no violation, the page fits the screen, the language is right; a screenshot is kept.</summary>
    public static async Task CheckAsync(IPage page, View view, string name)
    {
        Assert.Equal(view.En ? "en" : "zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0, $"axe-core on {name} ({view}): " + string.Join("; ",
            results.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= view.Width, $"{name} is {width} px wide at a {view.Width} px viewport");
        Assert.Equal(1, await page.Locator("main").CountAsync());
        var path = Path.Combine(TestOutput.Folder("pages"), $"{name}-{view.Name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000);
    }

    /// <summary>Runs a tool from Debian (pdftotext, pdftoppm) and returns what it printed; a missing tool fails with how to install it.</summary>
    public static async Task<string> RunAsync(string tool, string package, params string[] arguments)
    {
        var path = FindExecutable(tool) ?? throw new InvalidOperationException(HowToInstall($"{tool} (Debian package {package})"));
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed (exit {process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
