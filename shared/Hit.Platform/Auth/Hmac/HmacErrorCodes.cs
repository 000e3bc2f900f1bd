namespace Hit.Platform.Auth.Hmac;

/// <summary>Stable codes of a refused signature (401 unless noted). Clients branch on these; they never change.</summary>
public static class HmacErrorCodes
{
    /// <summary>No <c>X-API-Signature</c> / <c>X-API-Timestamp</c> (or only one of them).</summary>
    public const string SignatureMissing = "signature_missing";

    /// <summary><c>X-API-Signature-Version</c> is not a version this server knows.</summary>
    public const string VersionUnsupported = "signature_version_unsupported";

    /// <summary>The version is known but the request's namespace does not accept it.</summary>
    public const string VersionNotAccepted = "signature_version_not_accepted";

    /// <summary><c>X-API-Timestamp</c> is not Unix seconds.</summary>
    public const string TimestampInvalid = "timestamp_invalid";

    /// <summary>The timestamp is further than the window from the server's clock (stale or from the future).</summary>
    public const string TimestampOutOfWindow = "timestamp_out_of_window";

    /// <summary>v2 without <c>X-API-Nonce</c> (or a malformed one).</summary>
    public const string NonceInvalid = "nonce_invalid";

    /// <summary>The signature does not match the request under any active secret.</summary>
    public const string SignatureInvalid = "signature_invalid";

    /// <summary>A valid signature seen before (same v1 signature, or same v2 nonce).</summary>
    public const string SignatureReplayed = "signature_replayed";

    /// <summary>The body is larger than the scheme verifies (413).</summary>
    public const string PayloadTooLarge = "payload_too_large";
}
