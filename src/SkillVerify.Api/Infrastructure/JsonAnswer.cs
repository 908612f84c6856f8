using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace SkillVerify.Api.Infrastructure;

/// <summary>
/// A 200 JSON answer, written as <c>TypedResults.Ok</c> writes it (the application's JSON options, the same bytes) but
/// serialized in one synchronous pass into a reusable per-thread buffer and sent with a Content-Length.
/// <c>Ok&lt;T&gt;</c> streams through the serializer's resumable (async) converters and chunked encoding: for the
/// 3 KB verification answer that was the largest single cost of a hot verification (load-tests/README.md).
/// </summary>
public sealed class JsonAnswer<T>(T value, byte[]? encoded = null) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
    where T : class
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (encoded is not null)
        {
            // Already serialized (a memoized answer, see AnswerMemo): the same bytes as serializing it again.
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = encoded.Length;
            return httpContext.Response.BodyWriter.WriteAsync(encoded, httpContext.RequestAborted).AsTask();
        }
        var application = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var type = (JsonTypeInfo<T>)JsonAnswerBuffer.Options(application).GetTypeInfo(typeof(T));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        JsonAnswerBuffer.Write(response, value, type, application.Encoder);
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

internal static class JsonAnswerBuffer
{
    /// <summary>The bytes <see cref="JsonAnswer{T}"/> would write for <paramref name="value"/> in this application.</summary>
    public static byte[] ToBytes<T>(HttpContext context, T value)
    {
        var application = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var type = (JsonTypeInfo<T>)Options(application).GetTypeInfo(typeof(T));
        var bytes = new ArrayBufferWriter<byte>(4 * 1024);
        using (var json = new Utf8JsonWriter(bytes, new JsonWriterOptions { Encoder = application.Encoder, Indented = type.Options.WriteIndented, SkipValidation = true }))
        {
            JsonSerializer.Serialize(json, value, type);
        }
        return bytes.WrittenSpan.ToArray();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Direct = [];

    /// <summary>
    /// The application's options with <see cref="AppJsonContext"/> as their only resolver and no encoder: only then
    /// does the serializer run the context's generated fast path (straight writes, no converter machinery). The
    /// application's encoder moves to the writer (<see cref="Write{T}"/>), which is what escapes strings, so the bytes
    /// are the same as with the application's options.
    /// </summary>
    public static JsonSerializerOptions Options(JsonSerializerOptions application) =>
        Direct.GetValue(application, static o =>
        {
            var direct = new JsonSerializerOptions(o) { TypeInfoResolver = AppJsonContext.Default, Encoder = null };
            direct.MakeReadOnly();
            return direct;
        });

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>Serializes into this thread's buffer, sets Content-Length and copies the bytes to the response pipe (no await in between, so the buffer is free again on return).</summary>
    public static void Write<T>(HttpResponse response, T value, JsonTypeInfo<T> type, System.Text.Encodings.Web.JavaScriptEncoder? encoder)
    {
        var bytes = buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        bytes.ResetWrittenCount();
        var json = writer;
        if (json is null || json.Options.Encoder != encoder || json.Options.Indented != type.Options.WriteIndented)
        {
            json = writer = new Utf8JsonWriter(bytes, new JsonWriterOptions { Encoder = encoder, Indented = type.Options.WriteIndented, SkipValidation = true });
        }
        else
        {
            json.Reset(bytes);
        }
        JsonSerializer.Serialize(json, value, type);
        json.Flush();
        response.ContentLength = bytes.WrittenCount;
        response.BodyWriter.Write(bytes.WrittenSpan);
        if (bytes.Capacity > 256 * 1024)
        {
            // One very large answer does not pin its buffer to the thread.
            buffer = null;
            writer = null;
        }
    }
}
