using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Hit.Platform.Worker;

namespace Hit.Platform.Http;

/// <summary>
/// A request body that could not be read: the input field to blame (a JSON path below the root such as
/// <c>user_id</c> or <c>items[2].name</c>, else <c>body</c>), why, a stable code and the status to answer
/// (400 unreadable, 413 too large, 415 not JSON).
/// </summary>
public sealed record BodyError(string Field, string Message, string Code, int Status = StatusCodes.Status400BadRequest)
{
    public const string UnsupportedBody = "unsupported_body";
    public const string BodyRequired = "body_required";
    public const string MalformedJson = "malformed_json";

    /// <summary>For <c>malformed_json</c>: the JSON path of the value that failed (<c>$.user_id</c>, <c>$</c> for the root).</summary>
    public string? Path { get; init; }

    /// <summary>For <c>malformed_json</c>: the serializer's own reason and where (line and byte), for an app that shows it.</summary>
    public string? Reason { get; init; }

    /// <summary>The error as the platform's ProblemDetails (an app with its own error shape rewrites those).</summary>
    public ProblemHttpResult ToProblem() => Problems.Create(Status, Code, Message, Field);
}

/// <summary>
/// Reads small JSON bodies with an explicit size cap and field-level errors — the one body reader of every app.
/// Binding by hand (instead of a record parameter) lets each app answer in its own shape (Auth's ticketing routes:
/// <c>{errors:[…]}</c>, the directory's envelope) and name the field, which minimal APIs' binding does not.
/// </summary>
public static class JsonBody
{
    /// <summary>64 KiB: a few fields of JSON with room to spare; functions that need more declare a limit.</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    /// <summary>What a JSON function accepts, for the 415 answer.</summary>
    public const string AcceptedMediaType = "application/json";

    /// <summary>
    /// The body as <typeparamref name="T"/>, or the error to answer. <paramref name="optional"/>: a request without a
    /// body (no Content-Length or 0, not chunked) is (null, null) instead of 400 <c>body_required</c>.
    /// </summary>
    public static async Task<(T? Value, BodyError? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken,
        int maxBytes = DefaultMaxBytes, bool optional = false)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var knownEmpty = request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0);
        if (knownEmpty)
        {
            return (null, optional ? null : Required());
        }

        if (!request.HasJsonContentType())
        {
            AnnounceAccepted(request);
            var sent = request.ContentType is { Length: > 0 } type ? $"'{type}'" : "no Content-Type";
            return (null, new BodyError("Content-Type", $"The body must be JSON (Content-Type: {AcceptedMediaType}); the request sent {sent}.",
                BodyError.UnsupportedBody, StatusCodes.Status415UnsupportedMediaType));
        }

        // Chunked bodies have no Content-Length: count while reading.
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (BodyTooLarge.IsLimitExceeded(ex))
        {
            return (null, TooLarge(BodyTooLarge.LimitOf(request.HttpContext) ?? maxBytes));
        }

        if (buffer.Length == 0)
        {
            return (null, Required());
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
            return value is null ? (null, new BodyError("body", "A JSON object is required, not null.", BodyError.BodyRequired)) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Unreadable(ex));
        }
    }

    /// <summary>
    /// RFC 9110 §15.5.16: a 415 says what would have been accepted — <c>Accept-Patch</c> (RFC 5789) for PATCH,
    /// else <c>Accept-Post</c>. For readers of their own (Resumes) that answer 415 themselves.
    /// </summary>
    public static void AnnounceAccepted(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers[HttpMethods.IsPatch(request.Method) ? "Accept-Patch" : "Accept-Post"] = AcceptedMediaType;
    }

    /// <summary>
    /// The field and reason of a body System.Text.Json refused. Syntax errors carry a reader exception inside and a
    /// position; a value of the wrong kind carries only its path. Messages never echo the exception text, which names
    /// .NET types rather than JSON.
    /// </summary>
    public static BodyError Unreadable(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var field = exception.Path is { Length: > 1 } path && path.StartsWith('$')
            ? path.TrimStart('$').TrimStart('.')
            : "";
        var at = exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $" (line {line + 1}, byte {position + 1})"
            : "";
        var syntax = exception.InnerException is JsonException;
        var error = field.Length == 0
            ? new BodyError("body", syntax || exception.Path is null ? $"The body is not valid JSON{at}." : $"The body is not a JSON object of the expected shape{at}.", BodyError.MalformedJson)
            : new BodyError(field, syntax ? $"The body is not valid JSON at '{field}'{at}." : $"'{field}' has the wrong JSON type for this field{at}.", BodyError.MalformedJson);
        return error with { Path = exception.Path ?? "$", Reason = Reason(exception) };
    }

    /// <summary>
    /// The exception's own text without the " Path: … | LineNumber: … | BytePositionInLine: …" the serializer appends to
    /// its messages (a converter's message has none), then the position in human terms.
    /// </summary>
    private static string Reason(JsonException exception)
    {
        var text = exception.Message;
        var suffix = text.LastIndexOf(" Path: ", StringComparison.Ordinal);
        if (suffix >= 0 && text.IndexOf("| LineNumber:", suffix, StringComparison.Ordinal) >= 0)
        {
            text = text[..suffix];
        }

        return exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $"{text} (line {line + 1}, byte {position + 1})"
            : text;
    }

    private static BodyError Required() => new("body", "A JSON body is required.", BodyError.BodyRequired);

    private static BodyError TooLarge(long maxBytes) => new("body", $"The body exceeds {maxBytes} bytes.", ProblemCodes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge);
}
