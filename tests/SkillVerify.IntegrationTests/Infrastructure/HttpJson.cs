using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SkillVerify.IntegrationTests.Infrastructure;

public static class HttpJson
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static JsonElement Check(this JsonElement verification, string name) =>
        verification.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
