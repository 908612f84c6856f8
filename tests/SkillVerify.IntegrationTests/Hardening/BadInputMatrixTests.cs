using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Hardening;

/// <summary>
/// The bad-input matrix over every endpoint, on a real Kestrel: whatever arrives, the answer is a 4xx problem
/// (or, where an endpoint legitimately answers, a 200 that is never VALID): zero 5xx, zero stack traces.
/// Requests that Kestrel itself refuses before the application runs (a 100 KB request line, oversize headers)
/// get Kestrel's bare 414/431, which carries no body at all.
/// </summary>
public partial class BadInputMatrixTests(KestrelFactory factory) : IClassFixture<KestrelFactory>
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    private readonly HttpClient client = factory.CreateNetworkClient();

    [Fact]
    public void EveryMappedEndpointIsInTheMatrix()
    {
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .ToList();
        var missing = mapped.Where(m => !EndpointCatalog.Endpoints.Contains(m)).ToList();
        Assert.True(missing.Count == 0,
            "Endpoints missing from the bad-input matrix (add their slots to EndpointCatalog.Slots): " + string.Join(", ", missing.Select(m => $"{m.Method} {m.Route}")));
    }

    [Fact]
    public async Task KestrelNamesNoServer()
    {
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
    }

    [Theory]
    [MemberData(nameof(BadInputs.Kinds), MemberType = typeof(BadInputs))]
    public async Task BadInputsInEverySlotAreRefusedAsProblems(string kind)
    {
        var failures = new List<string>();
        var partnerKey = (await factory.CreatePartnerKeyAsync()).Plaintext;
        foreach (var slot in EndpointCatalog.Slots)
        {
            foreach (var input in BadInputs.ByKind[kind])
            {
                using var request = Build(slot, input, partnerKey);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (Judge(slot, input, response, body) is { } failure)
                {
                    failures.Add($"{slot} <- {Show(input)}: {failure}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("pageSize", "101")]
    [InlineData("pageSize", "1000000")]
    [InlineData("pageSize", "2147483648")]
    [InlineData("pageSize", "99999999999999999999")]
    [InlineData("pageSize", "-2147483649")]
    [InlineData("page", "10001")]
    [InlineData("page", "2147483647")]
    [InlineData("page", "1e9")]
    public async Task HugePageSizesAreRefused(string parameter, string value)
    {
        using var response = await client.GetAsync($"/api/v1/organizations?{parameter}={value}");
        await AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task WrongMethodsAreA405Problem()
    {
        var failures = new List<string>();
        foreach (var (method, route) in EndpointCatalog.Endpoints)
        {
            var url = Fill(route, "x");
            // A route mapped for several methods (the mobile page's GET and POST) is wrong only for the others.
            foreach (var wrong in Methods.Where(m => !EndpointCatalog.Endpoints.Contains((m, route))))
            {
                using var request = new HttpRequestMessage(new HttpMethod(wrong), url);
                if (wrong is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                // /docs/{**path} and / answer GET only; a 404 for a non-existent docs asset is as good as a 405.
                if ((int)response.StatusCode is not (405 or 404) || !IsProblem(response, body) || HasStackTrace(body))
                {
                    failures.Add($"{wrong} {url}: {(int)response.StatusCode} {Trim(body)}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData(null)]
    public async Task WrongContentTypeIsA415Problem(string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"code":"{{EndpointCatalog.ValidCode}}"}""")),
        };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        using var response = await client.SendAsync(request);
        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"Y000044030006233000123\"")]
    [InlineData("{\"code\":123}")]
    [InlineData("{\"code\":[\"Y000044030006233000123\"]}")]
    [InlineData("{\"code\":{\"$ne\":null}}")]
    [InlineData("{\"code\":\"Y000044030006233000123\",}")]
    [InlineData("{'code':'Y000044030006233000123'}")]
    [InlineData("{\"code\":\"Y000044030006233000123\"}{\"code\":\"x\"}")]
    [InlineData("{\"code\":\"\\uD800\"")]
    [InlineData("\u00ff\u00fe{")]
    [InlineData("{}")]
    public async Task InvalidJsonIsA400Problem(string body)
    {
        using var response = await client.PostAsync("/api/v1/verifications", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DeeplyNestedJsonIsA400Problem()
    {
        var body = new string('[', 100_000) + new string(']', 100_000);
        using var response = await client.PostAsync("/api/v1/verifications", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode is 400 or 413, $"status {(int)response.StatusCode}");
        Assert.True(IsProblem(response, await response.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// 10 MB really sent, over a raw socket (an HTTP client gives up with "broken pipe" when the server answers
    /// early and stops reading, which is exactly what it should do): the answer read while still sending is a 413 problem.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/verifications", true, 413)]
    [InlineData("/api/v1/verifications", false, 413)]
    [InlineData("/api/v1/codes/Y000044030006233000123", true, 405)]
    [InlineData("/health/live", false, 405)]
    public async Task TenMegabyteBodyIsRefusedAsAProblem(string path, bool withContentLength, int expected)
    {
        var body = Encoding.UTF8.GetBytes("{\"code\":\"" + new string('A', 10 * 1024 * 1024) + "\"}");
        var response = await RawHttp.SendAsync(factory.BaseAddress, "POST", path, "application/json", body, withContentLength);
        Assert.True(expected == response.Status, $"expected {expected}, got {response.Status}: {Trim(response.Body)}");
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("\"code\":", response.Body);
        Assert.False(HasStackTrace(response.Body));
    }

    [Fact]
    public async Task HundredKilobytePathIsA414Problem()
    {
        using var response = await client.GetAsync("/api/v1/codes/" + new string('Y', 100 * 1024));
        await AssertProblem(response, HttpStatusCode.RequestUriTooLong, "http.uri_too_long");
    }

    [Fact]
    public async Task HundredKilobyteQueryIsA414Problem()
    {
        using var response = await client.GetAsync("/api/v1/organizations?q=" + new string('%', 1) + "25" + new string('a', 100 * 1024));
        await AssertProblem(response, HttpStatusCode.RequestUriTooLong, "http.uri_too_long");
    }

    [Theory]
    [InlineData("/api/v1/codes/{0}")]
    [InlineData("/api/v1/organizations?q={0}")]
    [InlineData("/health/live?x={0}")]
    public async Task UrlOverTheApplicationLimitIsA414Problem(string template)
    {
        using var response = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('Y', 4000)));
        await AssertProblem(response, HttpStatusCode.RequestUriTooLong, "http.uri_too_long");
    }

    [Fact]
    public async Task OversizeHeaderIsRefusedByKestrel()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/levels");
        request.Headers.TryAddWithoutValidation("X-Filler", new string('a', 40 * 1024));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task TooManyHeadersAreRefusedByKestrel()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/levels");
        for (var i = 0; i < 200; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-H{i}", "1");
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Api-Key", "' OR 1=1--")]
    [InlineData("Content-Type", "application/json; charset=ebcdic")]
    [InlineData("Accept", "application/xml")]
    [InlineData("X-Forwarded-For", "not-an-ip, 1.2.3.4.5")]
    [InlineData("X-Forwarded-Proto", "gopher")]
    [InlineData("Origin", "null")]
    public async Task OddHeadersOnAVerificationNeverFail(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications")
        {
            Content = new StringContent($$"""{"code":"{{EndpointCatalog.ValidCode}}","holderName":"王小明"}""", Encoding.UTF8, "application/json"),
        };
        if (!request.Headers.TryAddWithoutValidation(header, value))
        {
            request.Content.Headers.Remove(header);
            request.Content.Headers.TryAddWithoutValidation(header, value);
        }
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} {Trim(body)}");
        Assert.False(HasStackTrace(body));
        if ((int)response.StatusCode >= 400)
        {
            Assert.True(IsProblem(response, body), body);
        }
    }

    private static HttpRequestMessage Build(MatrixEndpoint slot, string input, string? partnerKey = null)
    {
        var method = new HttpMethod(slot.Method);
        var request = slot.Slot switch
        {
            Slot.Path => new HttpRequestMessage(method, Fill(slot.Route, input)) { Content = slot.BaseBody is null ? null : new StringContent(slot.BaseBody, Encoding.UTF8, "application/json") },
            Slot.Query => new HttpRequestMessage(method, Fill(slot.Route, slot.PathValue ?? "x") + "?" + slot.Field + "=" + Escape(input)),
            _ => new HttpRequestMessage(method, Fill(slot.Route, slot.PathValue ?? "x")) { Content = new StringContent(JsonWith(slot.BaseBody, slot.Field, input), Encoding.UTF8, "application/json") },
        };
        if (slot.ApiKey is not null)
        {
            request.Headers.Add("X-Api-Key", slot.ApiKey == EndpointCatalog.PartnerKey ? partnerKey : slot.ApiKey);
        }
        return request;
    }

    /// <summary>Puts a value into the route's parameter, escaped as a browser would.</summary>
    private static string Fill(string route, string value) => RouteParameter().Replace(route, Escape(value), 1);

    private static string Escape(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            return "%ED%A0%80"; // a lone surrogate as the (invalid) UTF-8 a careless client would send
        }
    }

    /// <summary>A JSON body with one field set; every non-ASCII or control character escaped, so even a lone surrogate gets through.</summary>
    private static string JsonWith(string? baseBody, string field, string value)
    {
        var json = new StringBuilder();
        foreach (var c in value)
        {
            json.Append(c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:x4}" : c.ToString());
        }
        var pair = $"\"{field}\":\"{json}\"";
        return baseBody is null ? "{" + pair + "}" : baseBody[..^1] + "," + pair + "}";
    }

    private static string? Judge(MatrixEndpoint slot, string input, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return $"server error {status}: {Trim(body)}";
        }
        if (HasStackTrace(body))
        {
            return $"stack trace in the answer: {Trim(body)}";
        }
        if (status >= 400)
        {
            // A page for people (src/SkillVerify.Api/Pages) answers a person's bad input with a page saying what is wrong.
            var page = response.Content.Headers.ContentType?.MediaType == "text/html" && body.Contains("<main id=\"main\">", StringComparison.Ordinal);
            return IsProblem(response, body) || IsKestrelRefusal(response, body) || page ? null : $"{status} without a problem body: {Trim(body)}";
        }
        // An empty route parameter is no parameter: /api/v1/organizations/ is the search, which may answer.
        // A blank optional parameter is the same as leaving it out (the default applies).
        var expect = (slot.Slot == Slot.Path && input.Length == 0) || (slot.BlankMeansAbsent && slot.Slot == Slot.Query && string.IsNullOrWhiteSpace(input))
            ? Expect.Answered
            : slot.Expect;
        switch (expect)
        {
            case Expect.Rejected:
                return $"answered {status} instead of a 4xx problem: {Trim(body)}";
            case Expect.RejectedOrNotValid:
                // A verification answers at the top level; a scan carries it under "verification" (null when nothing was trusted).
                var root = JsonDocument.Parse(body).RootElement;
                var answer = root.TryGetProperty("verification", out var nested) ? nested : root;
                var outcome = answer.ValueKind == JsonValueKind.Object ? answer.GetProperty("outcome").GetString() : null;
                return outcome == "VALID" && !(slot.BlankMeansAbsent && string.IsNullOrWhiteSpace(input)) ? "a bad input was answered VALID" : null;
            default:
                return null;
        }
    }

    private static bool IsProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            && problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == (int)response.StatusCode;
    }

    /// <summary>
    /// Kestrel refuses some requests before any application code runs (a NUL character in the path, a request line or
    /// headers over its limits): a bare 400/414/431 with an empty body. Nothing to leak, nothing the app could shape.
    /// </summary>
    private static bool IsKestrelRefusal(HttpResponseMessage response, string body) =>
        (int)response.StatusCode is 400 or 414 or 431 && body.Length == 0 && response.Content.Headers.ContentType is null;

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode expected, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {Trim(body)}");
        Assert.True(IsProblem(response, body), $"not a problem: {response.Content.Headers.ContentType} {Trim(body)}");
        Assert.False(HasStackTrace(body), body);
        if (code is not null)
        {
            Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }
    }

    internal static bool HasStackTrace(string body) => StackFrame().IsMatch(body) || body.Contains("Exception:", StringComparison.Ordinal) || body.Contains("\"exception\"", StringComparison.OrdinalIgnoreCase);

    private static string Trim(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private static string Show(string input) => JsonSerializer.Serialize(input.Length > 40 ? input[..40] + $"…({input.Length})" : input);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\bat [A-Za-z_][\w.`<>]*\.[\w<>`]+\(")]
    private static partial Regex StackFrame();

    /// <summary>A body sent chunked, without Content-Length.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
