using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ProcoreAdmin.ProcoreSimulator.Http;

internal static class JsonOut
{
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return WriteBytesAsync(context, status, JsonContentType, buffer.WrittenMemory);
    }

    public static Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, SimulatorSeed.CompactJsonOptions);
        return WriteBytesAsync(context, status, JsonContentType, bytes);
    }

    /// <summary><c>{"errors": "message"}</c> — the common Procore v1 error shape.</summary>
    public static Task ErrorsAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("errors", message);
            w.WriteEndObject();
        });

    /// <summary><c>{"errors": ["message"]}</c> (the shape of the observed "App is not connected" 403).</summary>
    public static Task ErrorsArrayAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("errors");
            w.WriteStringValue(message);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    public static Task TextAsync(HttpContext context, int status, string contentType, string body) =>
        WriteBytesAsync(context, status, contentType, Encoding.UTF8.GetBytes(body));

    public static async Task WriteBytesAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static void WriteTimestamp(this Utf8JsonWriter writer, string name, DateTimeOffset value) =>
        writer.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    public static void WriteTimestampOrNull(this Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteTimestamp(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteDate(this Utf8JsonWriter writer, string name, DateOnly value) =>
        writer.WriteString(name, value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    public static void WriteIdName(this Utf8JsonWriter writer, string name, long id, string value)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("id", id);
        writer.WriteString("name", value);
        writer.WriteEndObject();
    }
}
