using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SkillVerify.Api.Security;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Contract;

/// <summary>
/// The examples in the OpenAPI document are answers of the demo service, not prose: each example call in
/// <c>src/SkillVerify.Api/OpenApi/examples.json</c> is sent to a fresh demo instance and its answer must equal the
/// recorded one (time stamps, snapshot numbers, trace ids, keys and signatures aside). After a deliberate change of an
/// answer, record them again: <c>SKILLVERIFY_WRITE_EXAMPLES=1 dotnet test --filter TheDocumentsExamplesAreTheDemoServicesAnswers</c>.
/// </summary>
public class OpenApiExamplesTests
{
    /// <summary>Values that differ from one demo instance or one second to the next.</summary>
    private static readonly HashSet<string> Volatile = ["registryUpdatedAt", "recordUpdatedAt", "updatedAt", "registrySnapshot", "fromCache", "traceId", "receipt", "x", "y", "kid", "id", "assertionMethod"];

    /// <summary>
    /// Values of one call that are the service's today (Beijing): a retraction is recorded on the day it is made. Compared
    /// as "(today)" once the answer is checked to hold today's date, so the examples do not go stale at midnight.
    /// </summary>
    private static readonly Dictionary<string, string[]> Today = new(StringComparer.Ordinal)
    {
        ["RetractOrganizationStatusEvent retract"] = ["effectiveDate"],
    };

    public static string ExamplesPath => Path.Combine(TestFolders.RepositoryRoot, "src", "SkillVerify.Api", "OpenApi", "examples.json");

    [Fact]
    public async Task TheDocumentsExamplesAreTheDemoServicesAnswers()
    {
        var write = Environment.GetEnvironmentVariable("SKILLVERIFY_WRITE_EXAMPLES") == "1";
        // A public address, as production has: the test server listens nowhere, and links and did:web need one.
        await using var factory = SkillVerifyFactory.With(new Dictionary<string, string?> { ["Qr:PublicBaseUrl"] = "https://localhost" });
        var partnerKey = (await factory.CreatePartnerKeyAsync(batch: true)).Plaintext;
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        var examples = JsonNode.Parse(await File.ReadAllTextAsync(ExamplesPath))!.AsObject();
        var differences = new List<string>();

        foreach (var (operationId, entry) in examples)
        {
            var recorded = new JsonObject();
            foreach (var (name, call) in entry!["calls"]!.AsObject())
            {
                using var request = new HttpRequestMessage(new HttpMethod(call!["method"]!.GetValue<string>()), call["path"]!.GetValue<string>());
                if (call["body"] is { } body)
                {
                    request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                }
                switch (call["key"]?.GetValue<string>())
                {
                    case "admin":
                        request.Headers.Add(AdminKeys.Header, AdminOptions.DemoKey);
                        break;
                    case "partner":
                        request.Headers.Add(AdminKeys.Header, partnerKey);
                        break;
                }
                // The contract handler has already held the answer to the document (status, headers, schema).
                using var response = await client.SendAsync(request);
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                ((recorded[status] ??= new JsonObject()).AsObject())[name] = answer;
                var expected = entry["responses"]?[status]?[name]?.DeepClone();
                var actual = answer!.DeepClone();
                foreach (var key in Today.GetValueOrDefault($"{operationId} {name}") ?? [])
                {
                    var beijing = factory.Services.GetRequiredService<SkillVerify.Domain.Codes.CodeDecoder>().Today;
                    var value = DateOnly.ParseExact(actual[key]!.GetValue<string>(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(Math.Abs(value.DayNumber - beijing.DayNumber) <= 1, $"{operationId} {name}: {key} {value:yyyy-MM-dd} is not today in Beijing ({beijing:yyyy-MM-dd}).");
                    actual[key] = "(today)";
                    if (expected?[key] is not null)
                    {
                        expected[key] = "(today)";
                    }
                }
                if (expected is null || !JsonNode.DeepEquals(Normalize(expected), Normalize(actual)))
                {
                    differences.Add($"{operationId} {name}: {call["method"]} {call["path"]} now answers {status} {Shorten(answer!.ToJsonString())}");
                }
            }
            entry.AsObject()["responses"] = recorded;
        }

        if (write)
        {
            await File.WriteAllTextAsync(ExamplesPath, examples.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            return;
        }
        Assert.True(differences.Count == 0,
            "The OpenAPI examples are not what the demo service answers (record them again with SKILLVERIFY_WRITE_EXAMPLES=1 dotnet test --filter TheDocumentsExamplesAreTheDemoServicesAnswers, then review the diff):"
            + Environment.NewLine + string.Join(Environment.NewLine, differences));
    }

    [Fact]
    public async Task EveryOperationHasBilingualWordsAndAnExampleForEveryRequestAndJsonResponse()
    {
        await using var factory = new SkillVerifyFactory();
        using var client = factory.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var missing = new List<string>();

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                var operation = $"{method.ToUpperInvariant()} {path}";
                if (node!["summary"]?.GetValue<string>() is not { } summary || !summary.Contains('·', StringComparison.Ordinal) || !summary.Any(c => c >= 0x4E00 && c <= 0x9FFF))
                {
                    missing.Add($"{operation}: a summary in Chinese · English");
                }
                if (node["description"]?.GetValue<string>() is not { Length: > 0 })
                {
                    missing.Add($"{operation}: a description");
                }
                if (node["requestBody"]?["content"]?["application/json"] is { } request && request["examples"] is not JsonObject { Count: > 0 })
                {
                    missing.Add($"{operation}: a request example");
                }
                foreach (var (status, response) in node["responses"]!.AsObject())
                {
                    foreach (var (mediaType, media) in response!["content"]?.AsObject() ?? [])
                    {
                        if (mediaType.Contains("json", StringComparison.Ordinal) && media!["examples"] is not JsonObject { Count: > 0 })
                        {
                            missing.Add($"{operation} {status} {mediaType}: an example");
                        }
                    }
                }
            }
        }
        foreach (var tag in document["tags"]!.AsArray())
        {
            if (tag!["description"]?.GetValue<string>() is not { Length: > 0 })
            {
                missing.Add($"tag {tag["name"]}: a description");
            }
        }
        Assert.True(missing.Count == 0, "The OpenAPI document lacks: " + string.Join("; ", missing));
    }

    private static JsonNode Normalize(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (Volatile.Contains(key))
                    {
                        o[key] = value is null ? null : "(varies)";
                    }
                    else if (value is not null)
                    {
                        Normalize(value);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Normalize(item);
                    }
                }
                break;
        }
        return node;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
