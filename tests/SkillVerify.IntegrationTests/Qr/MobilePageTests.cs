using System.Net;
using SkillVerify.IntegrationTests.Infrastructure;
using static SkillVerify.IntegrationTests.Qr.QrTestSupport;

namespace SkillVerify.IntegrationTests.Qr;

/// <summary>The mobile page's HTTP contract (headers, odd input); what it looks like is in <see cref="MobilePageBrowserTests"/>.</summary>
public sealed class MobilePageTests(MobilePageTests.Service service) : IClassFixture<MobilePageTests.Service>
{
    public sealed class Service : IDisposable
    {
        public SkillVerifyFactory Factory { get; } = SkillVerifyFactory.With(FixedQrSettings());

        public void Dispose() => Factory.Dispose();
    }

    [Fact]
    public async Task PagesAreNeverCachedAndAllowNoScript()
    {
        using var response = await service.Factory.CreateClient().GetAsync($"/v/{ValidCode}?t={ExpectedToken(ValidCode)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"VALID\"", html);
        Assert.Contains("王*明", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task ARepeatedScanGetsThePageRenderedAgainWithTheSameHeaders()
    {
        var client = service.Factory.CreateClient();
        var url = $"/v/{ValidCode}?t={ExpectedToken(ValidCode)}";
        var pages = new List<(string Html, string? CacheControl, string Csp, string? Type)>();
        // Every request renders the page again; all must be alike.
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages.Add((await response.Content.ReadAsStringAsync(), response.Headers.CacheControl?.ToString(),
                response.Headers.GetValues("Content-Security-Policy").Single(), response.Content.Headers.ContentType?.ToString()));
        }
        using var english = await client.GetAsync(url + "&lang=en");

        Assert.All(pages.Skip(2), p => Assert.Equal(pages[1], p));
        Assert.Equal("no-store", pages[3].CacheControl);
        Assert.Equal("text/html; charset=utf-8", pages[3].Type);
        Assert.Contains("<html lang=\"zh-CN\">", pages[3].Html);
        var englishHtml = await english.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", englishHtml);
        Assert.Contains("data-state=\"VALID\"", englishHtml);
    }

    [Theory]
    [InlineData("Y000044030006233000123", "")]
    [InlineData("Y000044030006233000123", "name=")]
    [InlineData("not-a-code", "name=")]
    [InlineData("not-a-code", "name=%E7%8E%8B%E5%B0%8F%E6%98%8E")]
    [InlineData("1910010112345678", "name=%E7%8E%8B")]
    [InlineData("Y000044030006233000123", "name=%ZZ&lang=%")]
    public async Task OddFormsAreAnsweredWithAPageNeverA5xx(string code, string form)
    {
        using var response = await service.Factory.CreateClient().PostAsync($"/v/{code}",
            new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task OversizeOrNonFormBodiesAreRefusedNotFailed()
    {
        var client = service.Factory.CreateClient();
        using var big = await client.PostAsync($"/v/{ValidCode}", new StringContent("name=" + new string('a', 5000), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        using var json = await client.PostAsync($"/v/{ValidCode}", new StringContent("{\"name\":\"王小明\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Fact]
    public async Task ANonFormBodyIsToldToBeAFormNotJson()
    {
        using var json = await service.Factory.CreateClient().PostAsync($"/v/{ValidCode}", new StringContent("{\"name\":\"王小明\"}", System.Text.Encoding.UTF8, "application/json"));
        var problem = await json.JsonAsync();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Contains("application/x-www-form-urlencoded", problem.Str("messageEn"));
        Assert.Contains("表单", problem.Str("messageZh"));
        Assert.DoesNotContain("JSON", problem.Str("messageEn"));
    }

    [Fact]
    public async Task WrongNameAndUnknownCodeLookAlike()
    {
        var client = service.Factory.CreateClient();
        async Task<string> StateAndReason(string code)
        {
            using var response = await client.PostAsync($"/v/{code}", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "李四" }));
            var html = await response.Content.ReadAsStringAsync();
            var start = html.IndexOf("<section class=\"state", StringComparison.Ordinal);
            return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
        }
        Assert.Equal(await StateAndReason(ValidCode), await StateAndReason("Y000044030006233000999"));
    }
}
