using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using SkillVerify.Client;
using SkillVerify.Client.Api.V1.Organizations;
using SkillVerify.Client.Models;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Client;

/// <summary>
/// The demo flows through the C# client Kiota generates from the served OpenAPI document (Client/Generated, kept
/// current by <see cref="GeneratedClientTests"/>), against the real service: what an integrator's code would do.
/// Every answer also passes the contract handler of the factory's HttpClient.
/// </summary>
public class KiotaClientTests(GenerousLimitsFactory factory) : IClassFixture<GenerousLimitsFactory>
{
    /// <summary>As docs/api.md shows it: the key (when there is one) goes in X-Api-Key through Kiota's own header provider.</summary>
    private SkillVerifyClient Client(string? key = null)
    {
        var http = factory.CreateClient();
        IAuthenticationProvider authentication = key is null
            ? new AnonymousAuthenticationProvider()
            : new ApiKeyAuthenticationProvider(key, "X-Api-Key", ApiKeyAuthenticationProvider.KeyLocation.Header, "localhost");
        // Kiota sends API keys over https only; the test server answers https as it answers http.
        return new SkillVerifyClient(new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = "https://localhost" });
    }

    [Fact]
    public async Task DecodeGivesThePartsOfACode()
    {
        var decoded = await Client().Api.V1.Codes["y-0000-44-030006-23-3-000123"].GetAsync();

        Assert.Equal("Y000044030006233000123", decoded!.Canonical);
        Assert.Equal(DecodeResponse_kind.SkillLevel, decoded.Kind);
        Assert.Equal(2023, decoded.Parts!.IssueYear);
        Assert.Equal(LevelRef_code.Three, decoded.Parts.Level!.Code);
        Assert.Equal("44", decoded.Parts.Province!.Code);
        Assert.Empty(decoded.Violations!);
    }

    [Fact]
    public async Task AnUndecodableCodeIsAProblemWithItsPosition()
    {
        var problem = await Assert.ThrowsAsync<Problem>(() => Client().Api.V1.Codes["Y00004403000623Z000123"].GetAsync());

        Assert.Equal(400, problem.Status);
        Assert.Equal("code.level", problem.Code);
        Assert.Equal(16, problem.Position);
        Assert.Equal("/problems/code.level", problem.Type);
        Assert.False(string.IsNullOrEmpty(problem.MessageZh));
    }

    [Theory]
    [InlineData("Y000044030006233000123", "王小明", VerificationResponse_outcome.VALID)]
    [InlineData("S000032010101224000456", "张伟", VerificationResponse_outcome.INVALID)]
    [InlineData("Y000044030006233000123", "李四", VerificationResponse_outcome.NOT_FOUND)]
    [InlineData("Y000044030006233000124", "王小明", VerificationResponse_outcome.NOT_FOUND)]
    [InlineData("Y000044030006233000123", null, VerificationResponse_outcome.UNKNOWN)]
    public async Task VerifyAnswersEachOutcome(string code, string? holderName, VerificationResponse_outcome expected)
    {
        var answer = await Client().Api.V1.Verifications.PostAsync(new VerificationRequest { Code = code, HolderName = holderName });

        Assert.Equal(expected, answer!.Outcome);
        Assert.Equal(11, answer.Checks!.Count);
        // Only a matching holder sees the certificate, masked.
        Assert.Equal(expected == VerificationResponse_outcome.VALID || (expected == VerificationResponse_outcome.INVALID && holderName is not null), answer.Certificate is not null);
        if (answer.Certificate is { } certificate)
        {
            Assert.Contains("*", certificate.HolderNameMasked);
        }
    }

    [Fact]
    public async Task OrganizationLookupAndSearch()
    {
        var client = Client();

        var organization = await client.Api.V1.Organizations["S000037020202"].GetAsync();
        var page = await client.Api.V1.Organizations.GetAsync(r =>
        {
            r.QueryParameters.Province = "44";
            r.QueryParameters.Type = GetTypeQueryParameterType.Y;
            r.QueryParameters.PageSize = 5;
        });
        var missing = await Assert.ThrowsAsync<Problem>(() => client.Api.V1.Organizations["Y000099990001"].GetAsync());

        Assert.Equal("S000037020202", organization!.Code);
        Assert.NotEmpty(organization.StatusHistory!);
        Assert.NotEmpty(page!.Items!);
        Assert.All(page.Items!, o => Assert.Equal("44", o.Province!.Code));
        Assert.Equal(5, page.PageSize);
        Assert.Equal(404, missing.Status);
        Assert.Equal("organization.not_found", missing.Code);
    }

    [Fact]
    public async Task ABatchWithAPartnerKeyAndAReceipt()
    {
        var key = (await factory.CreatePartnerKeyAsync(batch: true)).Plaintext;
        var batch = new BatchRequest
        {
            Items =
            [
                new() { Code = "Y000044030006233000123", HolderName = "王小明" },
                new() { Code = "S000032010101224000456", HolderName = "张伟" },
                new() { Code = "Y000044030006233000123", HolderName = new string('名', 200) },
            ],
            Receipt = true,
        };

        var answer = await Client(key).Api.V1.Verifications.Batch.PostAsync(batch);
        var anonymous = await Assert.ThrowsAsync<Problem>(() => Client().Api.V1.Verifications.Batch.PostAsync(batch));

        Assert.Equal(3, answer!.Count);
        Assert.Equal([0, 1, 2], answer.Items!.Select(i => i.Index ?? -1));
        Assert.Equal(VerificationResponse_outcome.VALID, answer.Items![0].Result!.Outcome);
        Assert.Equal(VerificationResponse_outcome.INVALID, answer.Items[1].Result!.Outcome);
        Assert.Null(answer.Items[2].Result);
        Assert.Equal("request.holder_name_too_long", answer.Items[2].Error!.Code);
        Assert.Equal(BatchResponse_receiptStatus.Issued, answer.ReceiptStatus);
        // A compact JWS: header.payload.signature, checked against the published keys by ReceiptTests.
        Assert.Equal(3, answer.Receipt!.Split('.').Length);
        Assert.Equal(401, anonymous.Status);
        Assert.Equal("auth.key_required", anonymous.Code);
    }

    [Fact]
    public async Task TheSigningKeysAreAJwks()
    {
        var jwks = await Client().WellKnown.JwksJson.GetAsync();

        Assert.NotEmpty(jwks!.Keys!);
        Assert.All(jwks.Keys!, k => Assert.Equal(JsonWebKeyDto_alg.ES256, k.Alg));
    }
}
