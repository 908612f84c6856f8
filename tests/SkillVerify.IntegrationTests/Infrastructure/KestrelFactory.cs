using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// The service on a real Kestrel on 127.0.0.1 (a free port): the test server would bypass Kestrel's limits
/// (request line, headers, body size), which are exactly what some tests are about.
/// </summary>
public class KestrelFactory : SkillVerifyFactory
{
    public KestrelFactory()
        : base(null)
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    public Uri BaseAddress { get; }

    /// <summary>A plain client over the network, with no handler of the test server in between.</summary>
    public HttpClient CreateNetworkClient() =>
        new(new Contract.ContractHandler(new SocketsHttpHandler { AllowAutoRedirect = false })) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
}
