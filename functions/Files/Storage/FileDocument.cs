using System.Text.Json.Serialization;
using Hit.Contracts.Files;
using Hit.Files.Uploads;
using Hit.Platform.Cosmos;

namespace Hit.Files.Storage;

/// <summary>One file as stored: its own partition (<c>ns|file|id</c>), so every write is a single-document operation.</summary>
internal sealed record FileDocument : CosmosDocument
{
    [JsonPropertyName("fileId")]
    public required string FileId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("bucket")]
    public required string Bucket { get; init; }

    [JsonPropertyName("blobName")]
    public required string BlobName { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("contentType")]
    public string ContentType { get; init; } = ContentSniffing.OctetStream;

    [JsonPropertyName("claimedContentType")]
    public string? ClaimedContentType { get; init; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("statusReason")]
    public string? StatusReason { get; init; }

    [JsonPropertyName("width")]
    public int? Width { get; init; }

    [JsonPropertyName("height")]
    public int? Height { get; init; }

    [JsonPropertyName("thumbnails")]
    public IReadOnlyList<ThumbnailEntry> Thumbnails { get; init; } = [];

    /// <summary>ETag of the original the current status was computed from: a re-delivery for it is a no-op.</summary>
    [JsonPropertyName("sourceETag")]
    public string? SourceETag { get; init; }

    /// <summary>Thumbnail invocations that reached a verdict (a re-delivery of a settled blob does not count).</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary><c>api</c>, <c>upload-url</c> or <c>direct</c> (found in storage by the trigger).</summary>
    [JsonPropertyName("origin")]
    public required string Origin { get; init; }

    /// <summary>
    /// The uploader's user id (the token's <c>sub</c>). Null for blobs the trigger found without a registration (written
    /// straight into storage) and for documents from before owners were recorded: no caller matches null, so those are
    /// reachable only through storage (operators), never through the API.
    /// </summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    /// <summary>Readable (metadata, content, thumbnails) by anyone who knows the namespace and id; absent = private.</summary>
    [JsonPropertyName("public")]
    public bool Public { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsSettled => Status is FileStatuses.Ready or FileStatuses.Skipped or FileStatuses.Failed;

    public static string IdFor(string fileId) => CosmosKeys.Id("file", fileId);

    public static string PkFor(string ns, string fileId) => CosmosKeys.Pk(ns, "file", fileId);
}

/// <summary>A generated thumbnail blob.</summary>
internal sealed record ThumbnailEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("blobName")] string BlobName,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("length")] long Length);

[JsonSerializable(typeof(FileDocument))]
internal sealed partial class FilesDocumentsJsonContext : JsonSerializerContext;
