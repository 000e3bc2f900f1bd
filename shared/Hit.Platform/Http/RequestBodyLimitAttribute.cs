namespace Hit.Platform.Http;

/// <summary>
/// The largest request body an HTTP function accepts, refused with 413 before the function runs (and before
/// anything parses it). Without this attribute a function gets <see cref="PlatformOptions.MaxRequestBodyBytes"/>.
/// Put it on the method or its class.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class RequestBodyLimitAttribute : Attribute
{
    /// <summary>
    /// The function streams its body and enforces a limit of its own (an upload whose size comes from settings):
    /// the platform sets none.
    /// </summary>
    public const long FunctionEnforced = -1;

    public RequestBodyLimitAttribute(long maxBytes)
    {
        if (maxBytes < 0 && maxBytes != FunctionEnforced)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "A body limit is 0 or more bytes, or FunctionEnforced.");
        }

        MaxBytes = maxBytes;
    }

    public long MaxBytes { get; }
}
