using Azure;

namespace Hit.Platform.Storage;

/// <summary>Conditions for blob operations (ETag and time based; see <see cref="RequestConditions"/>).</summary>
public sealed class BlobRequestConditions : RequestConditions
{
    /// <summary>Create-only: fail with 409 <c>BlobAlreadyExists</c> if the blob already exists.</summary>
    public static BlobRequestConditions IfNotExists() => new() { IfNoneMatch = ETag.All };

    /// <summary>Optimistic concurrency: fail with 412 <c>ConditionNotMet</c> if the blob changed.</summary>
    public static BlobRequestConditions IfMatchETag(ETag etag) => new() { IfMatch = etag };
}

public sealed class BlobUploadOptions
{
    /// <summary>Stored as the blob's Content-Type (served back on download).</summary>
    public string? ContentType { get; set; }

    /// <summary>User metadata (<c>x-ms-meta-*</c>). Names must be valid C# identifiers; values ASCII.</summary>
    public IDictionary<string, string>? Metadata { get; set; }

    public BlobRequestConditions? Conditions { get; set; }

    /// <summary>Overrides <see cref="StorageClientOptions.SingleUploadThreshold"/> for this upload.</summary>
    public long? SingleUploadThreshold { get; set; }

    /// <summary>Overrides <see cref="StorageClientOptions.BlockSize"/> for this upload.</summary>
    public int? BlockSize { get; set; }
}

public sealed class BlobDownloadOptions
{
    /// <summary>A byte range; <c>default</c> means the whole blob.</summary>
    public HttpRange Range { get; set; }

    public BlobRequestConditions? Conditions { get; set; }
}

/// <summary>Options for listing blobs.</summary>
public sealed class BlobListOptions
{
    public string? Prefix { get; set; }

    /// <summary>Ask the service to return user metadata (<c>include=metadata</c>).</summary>
    public bool IncludeMetadata { get; set; }

    /// <summary>Page size hint sent as <c>maxresults</c> (service default and maximum: 5000).</summary>
    public int? PageSize { get; set; }
}

/// <summary>Returned by uploads and metadata changes.</summary>
public sealed record BlobContentInfo(ETag ETag, DateTimeOffset LastModified);

/// <summary>A blob as it appears in a listing.</summary>
public sealed record BlobItem(
    string Name,
    ETag ETag,
    long ContentLength,
    string? ContentType,
    DateTimeOffset LastModified,
    DateTimeOffset? CreatedOn,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>One page of a blob listing; <see cref="NextMarker"/> is null on the last page.</summary>
public sealed record BlobListPage(IReadOnlyList<BlobItem> Items, string? NextMarker);

/// <summary>System and user properties of a blob (Get Blob Properties).</summary>
public sealed record BlobProperties(
    string? ContentType,
    long ContentLength,
    ETag ETag,
    DateTimeOffset LastModified,
    DateTimeOffset? CreatedOn,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>Headers of a Get Blob response.</summary>
public sealed record BlobDownloadDetails(
    string? ContentType,
    long ContentLength,
    ETag ETag,
    DateTimeOffset LastModified,
    DateTimeOffset? CreatedOn,
    IReadOnlyDictionary<string, string> Metadata,
    string? ContentRange,
    long BlobLength);

/// <summary>A streaming download. The caller owns <see cref="Content"/> and must dispose it (or this result).</summary>
public sealed class BlobDownloadStreamingResult : IDisposable, IAsyncDisposable
{
    internal BlobDownloadStreamingResult(Stream content, BlobDownloadDetails details)
    {
        Content = content;
        Details = details;
    }

    public Stream Content { get; }

    public BlobDownloadDetails Details { get; }

    public void Dispose() => Content.Dispose();

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>A buffered download.</summary>
public sealed record BlobDownloadResult(BinaryData Content, BlobDownloadDetails Details);

/// <summary>A key issued by Get User Delegation Key, used to sign user delegation SAS tokens.</summary>
public sealed record UserDelegationKey(
    string SignedObjectId,
    string SignedTenantId,
    DateTimeOffset SignedStartsOn,
    DateTimeOffset SignedExpiresOn,
    string SignedService,
    string SignedVersion,
    string Value)
{
    /// <summary>The key is a secret: keep it out of logs.</summary>
    public override string ToString() =>
        $"UserDelegationKey {{ SignedObjectId = {SignedObjectId}, SignedExpiresOn = {SignedExpiresOn:O}, Value = (redacted) }}";
}

/// <summary>Blob SAS permissions, emitted in the service's canonical order.</summary>
[Flags]
public enum BlobSasPermissions
{
    None = 0,
    Read = 1,
    Add = 2,
    Create = 4,
    Write = 8,
    Delete = 16,
    Tag = 32,
    All = Read | Add | Create | Write | Delete | Tag,
}
