using System.Text.Json.Serialization;

namespace Hit.Contracts.Directory;

/// <summary>
/// The HackIt seed's response shape, kept for its clients: <c>{"success": true, "data": …}</c> or
/// <c>{"success": false, "error": {"code", "message", "field"?}}</c>.
/// </summary>
public sealed record DirectoryResponse<T>
{
    [JsonPropertyName("success")]
    public required bool Success { get; init; }

    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public T? Data { get; init; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DirectoryError? Error { get; init; }
}

/// <summary>A failure: <paramref name="Code"/> is stable (clients branch on it), the message is for people.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>user_not_found</c>, <c>email_taken</c>, <c>signature_invalid</c>.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="Field">The offending request field, when one is to blame.</param>
public sealed record DirectoryError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("field"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null);

/// <summary>The body of every failed directory response.</summary>
public sealed record DirectoryErrorResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("error")] DirectoryError Error);
