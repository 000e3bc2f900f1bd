using System.Net;

namespace Hit.Sdk;

/// <summary>
/// A Hit service refused a request. <see cref="Code"/> is the service's stable machine-readable code (the ProblemDetails
/// <c>code</c>, or the directory's <c>error.code</c>); branch on it, never on the message.
/// </summary>
public class HitApiException : Exception
{
    public HitApiException()
        : this(HttpStatusCode.InternalServerError, "unknown", "The service refused the request.")
    {
    }

    public HitApiException(string message)
        : this(HttpStatusCode.InternalServerError, "unknown", message)
    {
    }

    public HitApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "unknown";
        StatusCode = HttpStatusCode.InternalServerError;
    }

    public HitApiException(HttpStatusCode statusCode, string code, string message, string? field = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Field = field;
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The stable error code, e.g. <c>user_not_found</c>, <c>email_taken</c>, <c>signature_invalid</c>.</summary>
    public string Code { get; }

    /// <summary>The request field the service blamed, when it named one.</summary>
    public string? Field { get; }

    /// <summary>The most specific exception type for a status.</summary>
    public static HitApiException Create(HttpStatusCode status, string code, string message, string? field = null) => status switch
    {
        HttpStatusCode.NotFound => new HitNotFoundException(code, message),
        HttpStatusCode.Conflict => new HitConflictException(code, message, field),
        HttpStatusCode.Unauthorized => new HitUnauthorizedException(code, message),
        HttpStatusCode.Forbidden => new HitForbiddenException(code, message),
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new HitValidationException(status, code, message, field),
        _ => new HitApiException(status, code, message, field),
    };
}

/// <summary>404: the resource does not exist (in this namespace).</summary>
public sealed class HitNotFoundException(string code, string message) : HitApiException(HttpStatusCode.NotFound, code, message);

/// <summary>409: a uniqueness rule or a concurrent change refused the write.</summary>
public sealed class HitConflictException(string code, string message, string? field) : HitApiException(HttpStatusCode.Conflict, code, message, field);

/// <summary>401: the request's signature or token was missing or refused.</summary>
public sealed class HitUnauthorizedException(string code, string message) : HitApiException(HttpStatusCode.Unauthorized, code, message);

/// <summary>403: the caller (or its origin) may not do this.</summary>
public sealed class HitForbiddenException(string code, string message) : HitApiException(HttpStatusCode.Forbidden, code, message);

/// <summary>400/422: the input was invalid; <see cref="HitApiException.Field"/> names the field.</summary>
public sealed class HitValidationException(HttpStatusCode status, string code, string message, string? field) : HitApiException(status, code, message, field);
