using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkillVerify.IntegrationTests.Infrastructure;

namespace SkillVerify.IntegrationTests.Federation;

/// <summary>
/// What a peer province sends back is read only up to a bound and relayed only if it is a well-formed answer about the
/// code asked; otherwise the answer is UNKNOWN. Peers are https, plain http only on loopback.
/// </summary>
public sealed class PeerAnswerTests
{
    private const string Code = "S000032010101254000777";

    /// <summary>A stand-in peer on 127.0.0.1 that answers every forwarded verification with what the test wants.</summary>
    private sealed class FakePeer : IAsyncDisposable
    {
        private readonly WebApplication app;

        private FakePeer(WebApplication app, string url)
        {
            this.app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<FakePeer> StartAsync(Func<HttpContext, FakePeer, Task> answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var port = KestrelInstance.FreePort();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var peer = new FakePeer(app, $"http://127.0.0.1:{port}");
            app.MapPost("/api/v1/verifications", context => answer(context, peer));
            await app.StartAsync();
            return peer;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static KestrelInstance ProvinceA(string peerUrl, int timeoutSeconds = 10) => KestrelInstance.Start(new Dictionary<string, string?>
    {
        ["Federation:LocalProvince"] = "44",
        ["Federation:Peers:32:BaseUrl"] = peerUrl,
        ["Federation:Peers:32:ApiKey"] = PartnerKeyHelpers.RandomWellFormedKey(),
        ["Federation:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Federation:Retries"] = "0",
    });

    private static async Task<System.Text.Json.JsonElement> AskAsync(KestrelInstance a)
    {
        using var client = a.CreateNetworkClient();
        var response = await client.PostJsonAsync("api/v1/verifications", new { code = Code, holderName = "钱多多" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task AnEndlessPeerAnswerIsUnknownAndReadOnlyUpToItsBound()
    {
        // 60 MB of a "VALID" answer, chunked (no Content-Length), written until the reader goes away. The peer is a raw
        // socket, not Kestrel: once Kestrel has seen the client leave, its writes complete without error and the abort
        // reaches the handler later, on the thread pool, so under load its count said 60 MB for a reader that had long gone.
        await using var peer = EndlessPeer.Start(60L * 1024 * 1024);
        await using var a = ProvinceA(peer.Url);

        var answer = await AskAsync(a);
        // The writer ends when a write fails (the reader closed) or when it has written everything; 30 s is a bound on
        // a fault, not a timing goal.
        await peer.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.Equal("peer_unavailable", answer.GetProperty("answeredBy").Str("source"));
        // The reader stopped at its 64 KB bound; what the peer managed to write is socket buffers, not 60 MB.
        Assert.True(peer.ReaderLeft, "the peer's writes should have failed because the reader closed the connection");
        Assert.InRange(Interlocked.Read(ref peer.BytesWritten), 0, 16L * 1024 * 1024);
    }

    /// <summary>
    /// A peer that answers one request with a chunked 200 whose body never ends, written straight to the socket, and
    /// counts what the kernel accepted: loopback buffers hold a few megabytes, so anything near the whole body means the
    /// reader went on reading.
    /// </summary>
    private sealed class EndlessPeer : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener listener;
        private readonly Task serving;
        private readonly long total;

        private EndlessPeer(long total)
        {
            this.total = total;
            listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            serving = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public long BytesWritten;

        public volatile bool ReaderLeft;

        public Task Finished => serving;

        public static EndlessPeer Start(long total) => new(total);

        private async Task ServeAsync()
        {
            using var socket = await listener.AcceptSocketAsync();
            using var stream = new System.Net.Sockets.NetworkStream(socket);
            // Read the request head; the body, if unread, does no harm.
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 64 * 1024 && await stream.ReadAsync(one) == 1)
            {
                head.Add(one[0]);
                if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                {
                    break;
                }
            }
            var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string('a', 64 * 1024) + "\r\n");
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
                var start = Encoding.ASCII.GetBytes("{\"outcome\":\"VALID\",\"checks\":[{\"name\":\"");
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{start.Length:x}\r\n"));
                await stream.WriteAsync(start);
                await stream.WriteAsync("\r\n"u8.ToArray());
                while (Interlocked.Read(ref BytesWritten) < total)
                {
                    await stream.WriteAsync(chunk);
                    Interlocked.Add(ref BytesWritten, 64 * 1024);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                ReaderLeft = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            try
            {
                await serving.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or TimeoutException)
            {
                // Nobody connected, or the socket closed under the writer: the assertions have said what matters.
            }
        }
    }

    [Fact]
    public async Task AnOversizeDeclaredPeerAnswerIsUnknownUnread()
    {
        await using var peer = await FakePeer.StartAsync(async (context, self) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 60L * 1024 * 1024;
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            // Nothing more: the reader must refuse on the header alone, not wait for a body that never comes.
            await Task.Delay(TimeSpan.FromSeconds(120), context.RequestAborted).ContinueWith(_ => { });
        });
        // A timeout long enough that only refusing unread explains a quick UNKNOWN.
        await using var a = ProvinceA(peer.Url, timeoutSeconds: 60);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var answer = await AskAsync(a);

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed.TotalSeconds:F1} s: the body was waited for");
    }

    /// <summary>A well-formed VALID answer about <paramref name="code"/>.</summary>
    private static string ValidAbout(string code) => """{"outcome":"VALID","checks":[{"name":"format","status":"pass","code":"c","messageZh":"z","messageEn":"e"}],"certificate":{"code":"{CODE}","level":{"code":"4","name":"中级工","nameEn":"Intermediate"},"occupation":{"code":"4-03-02-01","name":"中式烹调师","workType":null},"issueDate":"2025-03-10","issuer":{"code":"S000032010101","name":"x","currentStatus":"registered","href":"/x"},"status":"active","revokedOn":null,"revocationReason":null,"obtainedBy":"考核","appointmentTerm":null,"reviewState":"not_required","holderNameMasked":"钱*多","idNumberMasked":null},"freshness":{"registrySnapshot":1,"registryUpdatedAt":"2025-01-01T00:00:00Z","recordUpdatedAt":null,"fromCache":false}}""".Replace("{CODE}", code);

    public static TheoryData<string> Malformed => new()
    {
        // Not JSON / not an object.
        "[1,2,3]",
        "\"VALID\"",
        // An outcome outside the vocabulary.
        """{"outcome":"GENUINE","checks":[{"name":"format","status":"pass","code":"c","messageZh":"z","messageEn":"e"}],"certificate":null,"freshness":{"registrySnapshot":1,"registryUpdatedAt":"2025-01-01T00:00:00Z","recordUpdatedAt":null,"fromCache":false}}""",
        // VALID with no checks.
        """{"outcome":"VALID","checks":[],"certificate":null,"freshness":{"registrySnapshot":1,"registryUpdatedAt":"2025-01-01T00:00:00Z","recordUpdatedAt":null,"fromCache":false}}""",
        // A check with an unknown status.
        """{"outcome":"INVALID","checks":[{"name":"format","status":"great","code":"c","messageZh":"z","messageEn":"e"}],"certificate":null,"freshness":{"registrySnapshot":1,"registryUpdatedAt":"2025-01-01T00:00:00Z","recordUpdatedAt":null,"fromCache":false}}""",
        // VALID without a certificate.
        """{"outcome":"VALID","checks":[{"name":"format","status":"pass","code":"c","messageZh":"z","messageEn":"e"}],"certificate":null,"freshness":{"registrySnapshot":1,"registryUpdatedAt":"2025-01-01T00:00:00Z","recordUpdatedAt":null,"fromCache":false}}""",
        // VALID about another certificate than the one asked.
        ValidAbout("S000032010101254000778"),
        // No freshness.
        """{"outcome":"INVALID","checks":[{"name":"format","status":"fail","code":"c","messageZh":"z","messageEn":"e"}],"certificate":null}""",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedPeerAnswerIsUnknown(string body)
    {
        await using var peer = await FakePeer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await using var a = ProvinceA(peer.Url);

        var answer = await AskAsync(a);

        Assert.Equal("UNKNOWN", answer.Str("outcome"));
        Assert.Equal("peer_unavailable", answer.GetProperty("answeredBy").Str("source"));
    }

    [Fact]
    public async Task AWellFormedPeerAnswerIsRelayed()
    {
        var valid = ValidAbout(Code);
        await using var peer = await FakePeer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(valid);
        });
        await using var a = ProvinceA(peer.Url);

        var answer = await AskAsync(a);

        Assert.Equal("VALID", answer.Str("outcome"));
        Assert.Equal("peer", answer.GetProperty("answeredBy").Str("source"));
    }

    [Theory]
    [InlineData("http://peer.example.gov.cn", 2)]
    [InlineData("http://192.0.2.10:8080", 2)]
    public async Task APlainHttpPeerBeyondLoopbackStopsTheService(string url, int exitCode)
    {
        var (code, output) = await Tool.RunServiceAsync(new Dictionary<string, string>
        {
            ["Federation__LocalProvince"] = "44",
            ["Federation__Peers__32__BaseUrl"] = url,
            ["Federation__Peers__32__ApiKey"] = PartnerKeyHelpers.RandomWellFormedKey(),
        });

        Assert.Equal(exitCode, code);
        Assert.Contains("Federation:Peers:32:BaseUrl must be https", output);
    }
}
