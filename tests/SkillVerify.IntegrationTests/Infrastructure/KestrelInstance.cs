using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// The service on real Kestrel at 127.0.0.1 and a free port (for what TestServer cannot show: real client
/// addresses, one instance calling another over HTTP). Stop it by disposing.
/// </summary>
public sealed class KestrelInstance : SkillVerifyFactory
{
    private KestrelInstance(IDictionary<string, string?> settings, int port)
        : base(settings)
    {
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public int Port { get; }

    public string BaseUrl { get; }

    public static KestrelInstance Start(IDictionary<string, string?>? settings = null)
    {
        var instance = new KestrelInstance(settings ?? new Dictionary<string, string?>(), FreePort());
        instance.StartServer();
        return instance;
    }

    /// <summary>A client that goes over the network to this instance.</summary>
    public HttpClient CreateNetworkClient() => new(new Contract.ContractHandler(new SocketsHttpHandler())) { BaseAddress = new Uri(BaseUrl + "/") };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
