using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hit.Sdk.Http;

/// <summary>Request building and response reading shared by the clients.</summary>
internal static class ServiceCall
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>A JSON body as bytes: re-sendable on retry, and hashable for v2 signatures.</summary>
    public static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = Json;
        return content;
    }

    public static Uri Relative(string path) => new(path, UriKind.Relative);

    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Reads an error body (the directory's envelope or a ProblemDetails) into the matching exception.</summary>
    public static async Task<HitApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string? code = null, message = null, field = null;
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
            if (error.ValueKind == JsonValueKind.Object)
            {
                code = Text(error, "code");
                message = Text(error, "message") ?? Text(error, "detail") ?? Text(error, "title");
                field = Text(error, "field");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty 502): the status alone has to do.
        }

        return HitApiException.Create(status, code ?? "http_" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
            message ?? $"The service answered {(int)status} {response.ReasonPhrase}.", field);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
