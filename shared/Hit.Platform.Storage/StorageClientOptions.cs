using Azure.Core;

namespace Hit.Platform.Storage;

/// <summary>How queue message text is encoded on the wire.</summary>
public enum QueueMessageEncoding
{
    /// <summary>Base64 of the message bytes: what the Functions queue trigger expects by default.</summary>
    Base64,

    /// <summary>The text is stored verbatim (must be valid XML character data).</summary>
    None,
}

/// <summary>
/// Client settings. Retry behaviour comes from <see cref="ClientOptions.Retry"/> (Azure.Core: exponential,
/// 3 retries, retrying 408/429/500/502/503/504 and network failures, never other 4xx).
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>The REST API version sent as <c>x-ms-version</c> and used as <c>sv</c> for SAS tokens.</summary>
    public const string ServiceVersion = "2024-11-04";

    public StorageClientOptions()
    {
        // Headers worth seeing in Azure.Core diagnostics logs; none of them carries a secret.
        foreach (var header in new[] { "x-ms-request-id", "x-ms-error-code", "x-ms-version", "x-ms-blob-type", "ETag", "Content-Range", "x-ms-range" })
        {
            Diagnostics.LoggedHeaderNames.Add(header);
        }

        foreach (var query in new[] { "restype", "comp", "prefix", "marker", "maxresults", "include", "blockid", "numofmessages", "visibilitytimeout", "messagettl", "peekonly" })
        {
            Diagnostics.LoggedQueryParameters.Add(query);
        }
    }

    /// <summary>Encoding of queue message text; Base64 is the Functions default.</summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;

    /// <summary>Uploads up to this size go in a single Put Blob; larger ones are split into blocks.</summary>
    public long SingleUploadThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>Block size for Put Block uploads.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many blocks may be in flight at once (memory use is at most this times <see cref="BlockSize"/>).</summary>
    public int MaxUploadConcurrency { get; set; } = 4;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SingleUploadThreshold);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BlockSize);
        // 5000 MiB is the service's limit for a single Put Blob.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SingleUploadThreshold, 5000L * 1024 * 1024);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUploadConcurrency);
    }
}
