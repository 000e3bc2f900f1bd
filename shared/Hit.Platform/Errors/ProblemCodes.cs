namespace Hit.Platform.Errors;

/// <summary>
/// Stable machine-readable error codes carried in ProblemDetails <c>code</c>. Clients branch on these, never on
/// titles or messages, so a value here never changes once shipped; apps add their own next to these.
/// </summary>
public static class ProblemCodes
{
    public const string BadRequest = "bad_request";
    public const string ValidationFailed = "validation_failed";
    public const string InvalidNamespace = "invalid_namespace";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "precondition_failed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string TooManyRequests = "too_many_requests";
    public const string InternalError = "internal_error";
    public const string DependencyUnavailable = "dependency_unavailable";
    public const string MessageUndecodable = "message_undecodable";
    public const string InvocationFailed = "invocation_failed";

    /// <summary>The code used when a handler returned a bare status without choosing one.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        412 => PreconditionFailed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => ValidationFailed,
        429 => TooManyRequests,
        503 => DependencyUnavailable,
        >= 500 => InternalError,
        _ => "http_" + status,
    };
}
