using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a bare socket, writing the body while reading the answer: for bodies the server refuses
/// part-way (it answers, then stops reading and resets the connection).
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, string? ContentType, string Body);

    public static async Task<Response> SendAsync(Uri server, string method, string path, string contentType, byte[] body, bool withContentLength)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: {contentType}\r\nConnection: close\r\n")
            .Append(withContentLength ? $"Content-Length: {body.Length}\r\n" : "Transfer-Encoding: chunked\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writer = Task.Run(async () =>
        {
            try
            {
                const int chunk = 64 * 1024;
                for (var offset = 0; offset < body.Length && !cancel.IsCancellationRequested; offset += chunk)
                {
                    var part = body.AsMemory(offset, Math.Min(chunk, body.Length - offset));
                    if (!withContentLength)
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:X}\r\n"), cancel.Token);
                    }
                    await stream.WriteAsync(part, cancel.Token);
                    if (!withContentLength)
                    {
                        await stream.WriteAsync("\r\n"u8.ToArray(), cancel.Token);
                    }
                }
                if (!withContentLength)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server stopped reading: expected once it has answered.
            }
        });

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!Complete(received.ToArray()))
            {
                var n = await stream.ReadAsync(buffer, cancel.Token);
                if (n == 0)
                {
                    break;
                }
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer arrived.
        }
        await cancel.CancelAsync();
        tcp.Close();
        await writer;
        return Parse(received.ToArray());
    }

    private static bool Complete(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        var headers = text[..end];
        if (headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        }
        var length = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
        return length is null || Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Response Parse(byte[] data)
    {
        var end = data.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException("No HTTP answer was received: " + Encoding.UTF8.GetString(data));
        }
        var lines = Encoding.ASCII.GetString(data, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = lines.FirstOrDefault(h => h.StartsWith("content-type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim().Split(';')[0];
        var body = data.AsSpan(end + 4);
        if (!lines.Any(h => h.Equals("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return new Response(status, contentType, Encoding.UTF8.GetString(body));
        }
        var plain = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body[..lineEnd]), 16);
            if (size == 0)
            {
                break;
            }
            plain.Write(body.Slice(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size + 2)..];
        }
        return new Response(status, contentType, Encoding.UTF8.GetString(plain.ToArray()));
    }
}
