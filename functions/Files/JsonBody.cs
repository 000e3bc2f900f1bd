using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.Files;

/// <summary>
/// A function's JSON body, or the answer minimal APIs gave for one they could not bind: 415 without a JSON content
/// type, 400 <c>bad_request</c> for a malformed body (and for a missing one unless <c>optional</c>).
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken,
        bool optional = false)
        where T : class
    {
        if (optional && request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "The body must be JSON (Content-Type: application/json)."));
        }

        try
        {
            var body = await request.ReadFromJsonAsync(type, cancellationToken);
            return body is not null || optional
                ? (body, null)
                : (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "A JSON body is required."));
        }
        catch (JsonException)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "The body is not valid JSON for this request."));
        }
    }
}
