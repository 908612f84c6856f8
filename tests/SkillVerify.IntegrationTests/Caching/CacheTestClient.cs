using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SkillVerify.IntegrationTests.Caching;

/// <summary>Requests the cache tests make, and a small load generator that records every status and latency.</summary>
internal static class CacheTestClient
{
    public const string ValidCode = "Y000044030006233000123";
    public const string ValidName = "王小明";

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> VerifyAsync(HttpClient client, string code, string? name = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/verifications", new { code, holderName = name });
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static async Task<string> OutcomeAsync(HttpClient client, string code, string? name = null)
    {
        var (status, body, _) = await VerifyAsync(client, code, name);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("outcome").GetString()!;
    }

    /// <summary>A well-formed code (employer, 广东, 2023, 高级工) with a random issuer and serial: on no registry.</summary>
    public static string RandomCode(Random random) =>
        $"Y000044{random.Next(0, 1_000_000):D6}233{random.Next(0, 1_000_000):D6}";

    /// <summary>Runs a mix of public requests on <paramref name="workers"/> loops until cancelled.</summary>
    public static async Task<LoadResult> RunLoadAsync(HttpClient client, int workers, CancellationToken stop)
    {
        var result = new LoadResult();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = clock.Elapsed;
                HttpStatusCode status;
                try
                {
                    using var response = (i % 5) switch
                    {
                        0 => await client.PostAsJsonAsync("/api/v1/verifications", new { code = ValidCode, holderName = ValidName }),
                        1 => await client.PostAsJsonAsync("/api/v1/verifications", new { code = RandomCode(random), holderName = "某人" }),
                        2 => await client.GetAsync("/api/v1/organizations/Y000044030006"),
                        3 => await client.GetAsync("/api/v1/codes/" + RandomCode(random)),
                        _ => await client.GetAsync($"/api/v1/organizations?province=44&page={random.Next(1, 4)}"),
                    };
                    await response.Content.ReadAsByteArrayAsync();
                    status = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = HttpStatusCode.InternalServerError;
                }
                result.Add(status, clock.Elapsed - started, started);
            }
        })));
        return result;
    }
}

internal sealed class LoadResult
{
    private readonly object gate = new();

    public int Requests { get; private set; }

    public int ServerErrors { get; private set; }

    public int Unexpected { get; private set; }

    public TimeSpan MaxLatency { get; private set; }

    public TimeSpan MaxLatencyAt { get; private set; }

    public void Add(HttpStatusCode status, TimeSpan latency, TimeSpan at)
    {
        lock (gate)
        {
            Requests++;
            if ((int)status >= 500)
            {
                ServerErrors++;
            }
            else if (status != HttpStatusCode.OK)
            {
                Unexpected++;
            }
            if (latency > MaxLatency)
            {
                MaxLatency = latency;
                MaxLatencyAt = at;
            }
        }
    }

    public override string ToString() =>
        $"{Requests} requests, {ServerErrors} 5xx, {Unexpected} other non-200, max latency {MaxLatency.TotalMilliseconds:F0} ms (at {MaxLatencyAt.TotalSeconds:F1} s)";
}
