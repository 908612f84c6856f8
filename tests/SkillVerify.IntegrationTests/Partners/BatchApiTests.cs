using System.Net;
using System.Text.Json;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Partners;

/// <summary>POST /api/v1/verifications/batch: request order, items failing alone, the 1,000-item limit, N counting N.</summary>
public class BatchApiTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    private const string Batch = "/api/v1/verifications/batch";

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string key, object body)
    {
        var response = await factory.CreateClient().WithKey(key).PostJsonAsync(Batch, body);
        return (response, await response.JsonAsync());
    }

    [Fact]
    public async Task AnswersComeBackInRequestOrder()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;
        object[] items =
        [
            new { code = "S000032010101224000456", holderName = "张伟" },
            new { code = "Y000044030006233000123", holderName = "王小明" },
            new { code = "Y000044030006233999999", holderName = "王小明" },
            new { code = "Y001111000001241000001", holderName = "李建国" },
            new { code = "Y000044030006233000123" },
        ];

        var (response, body) = await PostAsync(key, new { items });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(5, body.GetProperty("count").GetInt32());
        var results = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(["INVALID", "VALID", "NOT_FOUND", "VALID", "UNKNOWN"], results.Select(r => r.GetProperty("result").Str("outcome")));
        Assert.Equal("status.revoked", results[0].GetProperty("result").Check("revocation").Str("code"));
        Assert.Equal("Y001111000001241000001", results[3].GetProperty("result").GetProperty("certificate").Str("code"));
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("error").ValueKind));
    }

    [Fact]
    public async Task OneBadItemFailsAloneAmongGoodOnes()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;
        var json = """
            {"items": [
              {"code": "Y000044030006233000123", "holderName": "王小明"},
              {"holderName": "没有编号"},
              42,
              {"code": 12345},
              {"code": "Y000044030006233000123", "holderName": "%NAME%"},
              {"code": "Y00004403000623Z000123", "holderName": "王小明"},
              {"code": "Y001111000001241000001", "holderName": "李建国"}
            ]}
            """.Replace("%NAME%", new string('王', 200));

        var response = await factory.CreateClient().WithKey(key).PostRawAsync(Batch, json);
        var items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, items.Count);
        Assert.Equal("VALID", items[0].GetProperty("result").Str("outcome"));
        Assert.Equal("request.code_required", items[1].GetProperty("error").Str("code"));
        Assert.Equal("request.invalid_item", items[2].GetProperty("error").Str("code"));
        Assert.Equal("request.invalid_item", items[3].GetProperty("error").Str("code"));
        Assert.Equal("request.holder_name_too_long", items[4].GetProperty("error").Str("code"));
        // An undecodable code is a typing error, like the single endpoint's 400: its position and character.
        Assert.Equal("code.level", items[5].GetProperty("error").Str("code"));
        Assert.Equal(16, items[5].GetProperty("error").GetProperty("position").GetInt32());
        Assert.All(items.Skip(1).Take(5), i => Assert.Equal(400, i.GetProperty("error").GetProperty("status").GetInt32()));
        Assert.Equal("VALID", items[6].GetProperty("result").Str("outcome"));
    }

    [Fact]
    public async Task ItemsOutsideTheKeysScopeFailAloneWith403()
    {
        var key = (await factory.CreatePartnerKeyAsync(provinces: "44", idMatching: false)).Plaintext;
        object[] items =
        [
            new { code = "Y000044030006233000123", holderName = "王小明" },
            new { code = "S000032010101224000456", holderName = "张伟" },
            new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154216" },
        ];

        var (_, body) = await PostAsync(key, new { items });
        var results = body.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal("VALID", results[0].GetProperty("result").Str("outcome"));
        Assert.Equal("auth.province_not_allowed", results[1].GetProperty("error").Str("code"));
        Assert.Equal(403, results[1].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("auth.id_matching_not_allowed", results[2].GetProperty("error").Str("code"));
    }

    [Fact]
    public async Task AKeyWithIdMatchingMatchesIdNumbers()
    {
        var key = (await factory.CreatePartnerKeyAsync(idMatching: true)).Plaintext;
        object[] items =
        [
            new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154216" },
            new { code = "Y000044030006233000123", holderName = "王小明", idNumber = "440305199203154217" },
        ];

        var (_, body) = await PostAsync(key, new { items });
        var results = body.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal("VALID", results[0].GetProperty("result").Str("outcome"));
        Assert.Equal("4403**********4216", results[0].GetProperty("result").GetProperty("certificate").Str("idNumberMasked"));
        Assert.Equal("NOT_FOUND", results[1].GetProperty("result").Str("outcome"));
    }

    [Fact]
    public async Task AThousandItemsAreAllAnswered()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;
        var items = Enumerable.Range(0, 1_000).Select(i => new { code = i % 2 == 0 ? "Y000044030006233000123" : $"Y000044030006233{i:D6}", holderName = "王小明" }).ToArray();

        var (response, body) = await PostAsync(key, new { items });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(1_000, results.Count);
        Assert.Equal(Enumerable.Range(0, 1_000), results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(results.Where(r => r.GetProperty("index").GetInt32() % 2 == 0), r => Assert.Equal("VALID", r.GetProperty("result").Str("outcome")));
    }

    [Fact]
    public async Task MoreThanAThousandItemsIs413AndNothingIsVerified()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;
        var items = Enumerable.Range(0, 1_001).Select(_ => new { code = "Y000044030006233000123", holderName = "王小明" }).ToArray();

        var (response, body) = await PostAsync(key, new { items });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("batch.too_many_items", body.Str("code"));
        Assert.Contains("1,000", body.Str("messageEn"));
        Assert.Contains("1,001", body.Str("messageEn"));
        Assert.Contains("1000", body.Str("messageZh"));
        Assert.False(body.TryGetProperty("items", out _));
    }

    [Fact]
    public async Task ABatchOfNCountsNAgainstThePartnersQuota()
    {
        var key = (await factory.CreatePartnerKeyAsync(perMinute: 10)).Plaintext;
        var six = new { items = Enumerable.Range(0, 6).Select(_ => new { code = "Y000044030006233000123", holderName = "王小明" }).ToArray() };

        var (first, _) = await PostAsync(key, six);
        var (second, secondBody) = await PostAsync(key, six);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("4", first.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal("10", first.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("rate_limit.exceeded", secondBody.Str("code"));
        Assert.NotNull(second.Headers.RetryAfter);
        // The refused batch counted as one request (the attempt), not six: of the four left, three remain before this one.
        var (single, _) = await PostAsync(key, new { items = new[] { new { code = "Y000044030006233000123", holderName = "王小明" } } });
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal("2", single.Headers.GetValues("RateLimit-Remaining").Single());
    }

    [Fact]
    public async Task ABatchLargerThanTheWholeQuotaSaysSo()
    {
        var key = (await factory.CreatePartnerKeyAsync(perMinute: 5)).Plaintext;
        var items = Enumerable.Range(0, 6).Select(_ => new { code = "Y000044030006233000123", holderName = "王小明" }).ToArray();

        var (response, body) = await PostAsync(key, new { items });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit.batch_exceeds_quota", body.Str("code"));
    }

    [Fact]
    public async Task AReceiptIsIssuedOnlyWhenAskedFor()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;
        var items = new[] { new { code = "Y000044030006233000123", holderName = "王小明" } };

        var (_, asked) = await PostAsync(key, new { items, receipt = true });
        var (_, notAsked) = await PostAsync(key, new { items });

        Assert.Equal("issued", asked.Str("receiptStatus"));
        Assert.Equal(3, asked.Str("receipt").Split('.').Length);
        Assert.Equal("not_requested", notAsked.Str("receiptStatus"));
        Assert.Equal(JsonValueKind.Null, notAsked.GetProperty("receipt").ValueKind);
    }

    [Fact]
    public async Task AnEmptyOrMissingItemsArrayIs400()
    {
        var key = (await factory.CreatePartnerKeyAsync()).Plaintext;

        var (empty, emptyBody) = await PostAsync(key, new { items = Array.Empty<object>() });
        var (missing, missingBody) = await PostAsync(key, new { receipt = false });

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("request.items_empty", emptyBody.Str("code"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("request.items_required", missingBody.Str("code"));
    }
}
