using Azure;

namespace Hit.Platform.Storage;

/// <summary>
/// A storage service error. <see cref="RequestFailedException.Status"/> is the HTTP status and
/// <see cref="RequestFailedException.ErrorCode"/> the service code (<c>BlobNotFound</c>, <c>ConditionNotMet</c>,
/// <c>AuthenticationFailed</c>, <c>QueueNotFound</c>, …) from <c>x-ms-error-code</c> or the XML error body.
/// </summary>
public sealed class StorageRequestFailedException : RequestFailedException
{
    public StorageRequestFailedException(int status, string message, string? errorCode, string? requestId)
        : base(status, message, errorCode, null)
    {
        RequestId = requestId;
    }

    public StorageRequestFailedException(string message)
        : base(message)
    {
    }

    public StorageRequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRequestFailedException()
        : base("The storage request failed.")
    {
    }

    /// <summary>The service's <c>x-ms-request-id</c>, for support cases.</summary>
    public string? RequestId { get; }

    /// <summary>True for 404 (missing blob, container, queue or message).</summary>
    public bool IsNotFound => Status == 404;
}
