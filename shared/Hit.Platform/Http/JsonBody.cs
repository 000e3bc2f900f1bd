using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Hit.Platform.Http;

/// <summary>A request body that could not be read, with the input field to blame.</summary>
public sealed record BodyError(string Field, string Message, string Code)
{
    /// <summary>For <c>malformed_json</c>: the JSON path of the value that failed (<c>$.user_id</c>, <c>$</c> for the root).</summary>
    public string? Path { get; init; }

    /// <summary>For <c>malformed_json</c>: why it failed and where (line and byte in the body), for an app that shows it.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Reads small JSON bodies with an explicit size cap and field-level errors. Binding by hand (instead of a record
/// parameter) lets each app answer in its own shape (Auth's ticketing routes: <c>{errors:[…]}</c>) and name the field.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 16 * 1024;

    public static async Task<(T? Value, BodyError? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (request.ContentType is { Length: > 0 } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new BodyError("body", "The body must be JSON (Content-Type: application/json).", "unsupported_body"));
        }

        // Chunked bodies have no Content-Length: count while reading.
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, new BodyError("body", "A JSON body is required.", "body_required"));
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
            return value is null ? (null, new BodyError("body", "A JSON object is required.", "body_required")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, new BodyError(field, field == "body" ? "The body is not valid JSON." : $"'{field}' has the wrong type or is malformed.", "malformed_json")
            {
                Path = ex.Path ?? "$",
                Reason = Reason(ex),
            });
        }
    }

    /// <summary>
    /// The exception's own text without the " Path: … | LineNumber: … | BytePositionInLine: …" the serializer appends to
    /// its messages (a converter's message has none), then the position in human terms.
    /// </summary>
    private static string Reason(JsonException ex)
    {
        var text = ex.Message;
        var suffix = text.LastIndexOf(" Path: ", StringComparison.Ordinal);
        if (suffix >= 0 && text.IndexOf("| LineNumber:", suffix, StringComparison.Ordinal) >= 0)
        {
            text = text[..suffix];
        }

        return ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $"{text} (line {line + 1}, byte {position + 1})"
            : text;
    }

    private static BodyError TooLarge(int maxBytes) => new("body", $"The body exceeds {maxBytes} bytes.", "body_too_large");
}
