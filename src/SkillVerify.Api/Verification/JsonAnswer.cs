using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace SkillVerify.Api.Verification;

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
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        if (encoded is not null)
        {
            // Already serialized (a memoized answer, see AnswerMemo): the same bytes as serializing it again.
            response.ContentLength = encoded.Length;
            return response.BodyWriter.WriteAsync(encoded, httpContext.RequestAborted).AsTask();
        }
        JsonAnswerBuffer.Write(httpContext, value);
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

internal static class JsonAnswerBuffer
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Direct = [];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The bytes <see cref="JsonAnswer{T}"/> would write for <paramref name="value"/> in this application.</summary>
    public static byte[] ToBytes<T>(HttpContext context, T value) => Serialize(context, value).ToArray();

    /// <summary>Sets Content-Length and copies the bytes to the response pipe (no await in between, so the thread's buffer is free again on return).</summary>
    public static void Write<T>(HttpContext context, T value)
    {
        var bytes = Serialize(context, value);
        context.Response.ContentLength = bytes.Length;
        context.Response.BodyWriter.Write(bytes);
    }

    /// <summary>Serializes into this thread's buffer: the span is good until this thread's next call.</summary>
    private static ReadOnlySpan<byte> Serialize<T>(HttpContext context, T value)
    {
        var application = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var type = (JsonTypeInfo<T>)Options(application).GetTypeInfo(typeof(T));
        var bytes = buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        bytes.ResetWrittenCount();
        var json = writer;
        if (json is null || json.Options.Encoder != application.Encoder || json.Options.Indented != type.Options.WriteIndented)
        {
            json = writer = new Utf8JsonWriter(bytes, new JsonWriterOptions { Encoder = application.Encoder, Indented = type.Options.WriteIndented, SkipValidation = true });
        }
        else
        {
            json.Reset(bytes);
        }
        JsonSerializer.Serialize(json, value, type);
        json.Flush();
        if (bytes.Capacity > 256 * 1024)
        {
            // One very large answer does not pin its buffer to the thread.
            buffer = null;
            writer = null;
        }
        return bytes.WrittenSpan;
    }

    /// <summary>
    /// The application's options with <see cref="VerificationJson"/> as their only resolver and no encoder: only then
    /// does the serializer run the context's generated fast path (straight writes, no converter machinery). The
    /// application's encoder moves to the writer, which is what escapes strings, so the bytes are the same as with
    /// the application's options.
    /// </summary>
    private static JsonSerializerOptions Options(JsonSerializerOptions application) =>
        Direct.GetValue(application, static o =>
        {
            var direct = new JsonSerializerOptions(o) { TypeInfoResolver = VerificationJson.Default, Encoder = null };
            direct.MakeReadOnly();
            return direct;
        });
}
