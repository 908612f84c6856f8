namespace SkillVerify.IntegrationTests.Contract;

/// <summary>
/// Holds every answer that passes through it to the OpenAPI document the same service serves (<see cref="ApiContract"/>):
/// the test's call fails with a sentence naming the operation when the answer breaks it. Every client the test
/// factories hand out has one.
/// </summary>
public sealed class ContractHandler : DelegatingHandler
{
    private Task<ApiContract>? contract;

    public ContractHandler()
    {
    }

    public ContractHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (path == SkillVerify.Api.OpenApi.ApiDocument.Path)
        {
            return response;
        }
        var document = await (contract ??= LoadAsync(request.RequestUri));
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        var failures = document.Check(request.Method.Method, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, body);
        if (failures.Count > 0)
        {
            throw new ContractViolationException(string.Join(Environment.NewLine, failures));
        }
        return response;
    }

    private async Task<ApiContract> LoadAsync(Uri anyRequest)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(anyRequest, SkillVerify.Api.OpenApi.ApiDocument.Path));
        using var response = await base.SendAsync(get, CancellationToken.None);
        response.EnsureSuccessStatusCode();
        return ApiContract.Parse(await response.Content.ReadAsStringAsync());
    }
}

/// <summary>An answer that the service's own OpenAPI document does not describe.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
