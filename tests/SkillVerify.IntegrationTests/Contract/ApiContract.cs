using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using SkillVerify.Api.OpenApi;

namespace SkillVerify.IntegrationTests.Contract;

/// <summary>
/// The OpenAPI document the service serves, as a contract every HTTP answer in the suite is held to: an answer to a
/// documented operation must have a status the operation lists, a documented media type, the required headers, and a
/// JSON body valid against that status's schema; a problem's <c>type</c> must be <c>/problems/{code}</c> with a code
/// from <see cref="ProblemCatalog"/>. Requests that match no operation (pages, health, a method the path does not
/// take) are not held to it. Built from <c>/openapi/v1.json</c> as served, never from a copy.
/// </summary>
public sealed partial class ApiContract
{
    private static readonly ConcurrentDictionary<string, ApiContract> Parsed = new(StringComparer.Ordinal);

    private readonly List<Operation> operations = [];
    private readonly JsonObject definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new(StringComparer.Ordinal);
    private readonly string id;

    private ApiContract(string documentText)
    {
        Document = JsonNode.Parse(documentText)!.AsObject();
        id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(documentText)))[..16];
        // "#/components/schemas/X" → "#/$defs/X": each response schema is checked as a JSON Schema document holding every component.
        definitions = Rewrite(Document["components"]?["schemas"]?.DeepClone() ?? new JsonObject()).AsObject();
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var pattern = "^" + TemplateParameter().Replace(Regex.Escape(path).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$";
                operations.Add(new Operation(method.ToUpperInvariant(), path, new Regex(pattern, RegexOptions.CultureInvariant), operation!.AsObject()));
            }
        }
    }

    public JsonObject Document { get; }

    public static ApiContract Parse(string documentText) => Parsed.GetOrAdd(documentText, static text => new ApiContract(text));

    public sealed record Operation(string Method, string PathTemplate, Regex Pattern, JsonObject Node)
    {
        public string Id => Node["operationId"]?.GetValue<string>() ?? "?";

        public override string ToString() => $"{Method} {PathTemplate} ({Id})";
    }

    /// <summary>The documented operation a request went to, or null (a page, health, an unknown route or method).</summary>
    public Operation? Find(string method, string path) =>
        operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(path) && !operations.Any(other => other != o && other.Method == method && other.Pattern.IsMatch(path) && !other.PathTemplate.Contains('{') && o.PathTemplate.Contains('{')));

    /// <summary>Every way the answer breaks the document, as sentences naming the operation; empty when it keeps it.</summary>
    public IReadOnlyList<string> Check(string method, string path, int status, string? mediaType, IReadOnlyDictionary<string, string> headers, string body)
    {
        var operation = Find(method, path);
        if (operation is null || (status is 400 or 431 && mediaType is null && body.Length == 0))
        {
            // No operation, or Kestrel refused the request (a header too large, too many) before the application saw it.
            return [];
        }
        var statusText = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Node["responses"]?[statusText] is not JsonObject response)
        {
            return [$"{operation} answered {status}, a status the OpenAPI document does not list for that operation (it lists {string.Join(", ", operation.Node["responses"]!.AsObject().Select(r => r.Key))}). Document it on the endpoint (.ProducesProblem({status}) or .Produces<T>({status})) or fix the answer."];
        }
        var failures = new List<string>();
        foreach (var (name, header) in response["headers"]?.AsObject() ?? [])
        {
            var resolved = Resolve(header!);
            if (resolved["required"]?.GetValue<bool>() == true && !headers.ContainsKey(name))
            {
                failures.Add($"{operation} answered {status} without the {name} header, which the document says it always carries.");
            }
        }
        if (response["content"] is not JsonObject content || content.Count == 0)
        {
            return failures;
        }
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            failures.Add($"{operation} answered {status} as {mediaType ?? "(no content type)"}, but the document gives {string.Join(", ", content.Select(c => c.Key))} for that status.");
            return failures;
        }
        if (!mediaType.Contains("json", StringComparison.Ordinal) || media["schema"] is not JsonObject schemaNode)
        {
            return failures;
        }
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            failures.Add($"{operation} answered {status} as {mediaType} with a body that is not JSON.");
            return failures;
        }
        var schema = schemas.GetOrAdd($"{operation.Method} {operation.PathTemplate} {statusText} {mediaType}", key => Build(key, schemaNode));
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(8);
            failures.Add($"{operation} answered {status} with a body that does not match the document's schema: {string.Join("; ", errors)}. Body: {Truncate(body)}");
        }
        if (status >= 400 && instance.ValueKind == JsonValueKind.Object && instance.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
        {
            var problemCode = code.GetString()!;
            if (ProblemCatalog.Find(problemCode) is null)
            {
                failures.Add($"{operation} answered the problem code {problemCode}, which ProblemCatalog (and so /problems) does not list.");
            }
            if (!instance.TryGetProperty("type", out var type) || type.GetString() != "/problems/" + problemCode)
            {
                failures.Add($"{operation} answered a problem whose type is not /problems/{problemCode}.");
            }
        }
        return failures;
    }

    private JsonSchema Build(string key, JsonObject schemaNode)
    {
        var root = Rewrite(schemaNode.DeepClone()).AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = definitions.DeepClone();
        var uri = new Uri($"https://skillverify.test/{id}/{Uri.EscapeDataString(key)}");
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, uri);
    }

    private JsonNode Resolve(JsonNode node) =>
        node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal)
            ? reference[2..].Split('/').Aggregate((JsonNode)Document, (n, part) => n[part]!)
            : node;

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && v.GetValue<string>() is { } reference)
                    {
                        o[key] = reference.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
                    }
                    else if (value is not null)
                    {
                        Rewrite(value);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }
                break;
        }
        return node;
    }

    private static string Truncate(string body) => body.Length > 600 ? body[..600] + "…" : body;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex TemplateParameter();
}
