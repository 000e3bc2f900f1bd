using System.Text.Json.Serialization;

namespace Hit.Contracts.Files;

/// <summary>Thumbnail processing states of a file (<see cref="FileResponse.Status"/>).</summary>
public static class FileStatuses
{
    /// <summary>An upload URL was issued; the blob is not registered yet (<c>POST /files/{id}/complete</c>).</summary>
    public const string Uploading = "uploading";

    /// <summary>The original is stored; thumbnails are being made.</summary>
    public const string Processing = "processing";

    /// <summary>Thumbnails are ready.</summary>
    public const string Ready = "ready";

    /// <summary>No thumbnails by design: SVG (vector) or not an image. <see cref="FileResponse.StatusReason"/> says which.</summary>
    public const string Skipped = "skipped";

    /// <summary>The image could not be thumbnailed (corrupt, truncated, over the limits); the reason is recorded.</summary>
    public const string Failed = "failed";
}

/// <summary>A stored file. Field names are the files API's snake_case contract.</summary>
/// <param name="Id">The file id (32 hex characters for API uploads).</param>
/// <param name="Name">The sanitised file name (no path, no control characters).</param>
/// <param name="Size">Bytes of the original.</param>
/// <param name="ContentType">The type sniffed from the bytes; <c>application/octet-stream</c> when unknown.</param>
/// <param name="ClaimedContentType">What the client said the type was (recorded, never trusted).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the original, computed while it streamed in.</param>
/// <param name="Tags">Tags from <c>file_tags</c>.</param>
/// <param name="Bucket">The bucket (from the configured allow-list).</param>
/// <param name="Status">See <see cref="FileStatuses"/>.</param>
/// <param name="StatusReason">Why the file was skipped or failed.</param>
/// <param name="Width">Width of the image as displayed (after EXIF orientation), once thumbnailed.</param>
/// <param name="Height">Height of the image as displayed, once thumbnailed.</param>
/// <param name="Thumbnails">The generated thumbnails (empty until ready).</param>
/// <param name="Url">A short-lived read URL for the original (only in <c>GET /files/{id}</c>).</param>
/// <param name="UrlExpiresAt">When <paramref name="Url"/> and the thumbnails' URLs expire.</param>
/// <param name="Public">Readable by anyone who knows the namespace and id, without a token; otherwise only its owner's.</param>
public sealed record FileResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("claimed_content_type")] string? ClaimedContentType,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("bucket")] string Bucket,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_reason")] string? StatusReason,
    [property: JsonPropertyName("width")] int? Width,
    [property: JsonPropertyName("height")] int? Height,
    [property: JsonPropertyName("thumbnails")] IReadOnlyList<ThumbnailResponse> Thumbnails,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
    [property: JsonPropertyName("url_expires_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? UrlExpiresAt = null,
    [property: JsonPropertyName("public")] bool Public = false);

/// <summary>Changes a file's sharing (<c>PATCH /files/{id}</c>, owner only).</summary>
/// <param name="Public">True: anyone who knows the namespace and id may read it; false: only the owner.</param>
public sealed record UpdateFileRequest([property: JsonPropertyName("public")] bool? Public);

/// <summary>One generated thumbnail.</summary>
/// <param name="Size">The size key: <c>128</c>, <c>256</c>, <c>1024</c> (fit inside the box) or <c>256-square</c> (cover crop).</param>
/// <param name="Url">A short-lived read URL (only in <c>GET /files/{id}</c>).</param>
public sealed record ThumbnailResponse(
    [property: JsonPropertyName("size")] string Size,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("length")] long Length,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null);

/// <summary>Asks for a direct-upload URL (<c>POST /files/upload-url</c>) for a file too large to send through the API.</summary>
/// <param name="Name">The file name (sanitised like an upload's).</param>
/// <param name="Size">The size the client will upload, checked against the limit up front when given.</param>
/// <param name="ContentType">The client's claimed type (recorded, not trusted).</param>
/// <param name="BucketName">The bucket; <c>chat-bucket</c> when absent.</param>
/// <param name="FileTags">Tags.</param>
/// <param name="Public">Readable by anyone who knows the namespace and id (default false: the owner's only).</param>
public sealed record UploadUrlRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("size")] long? Size = null,
    [property: JsonPropertyName("content_type")] string? ContentType = null,
    [property: JsonPropertyName("bucket_name")] string? BucketName = null,
    [property: JsonPropertyName("file_tags")] IReadOnlyList<string>? FileTags = null,
    [property: JsonPropertyName("public")] bool? Public = null);

/// <summary>Where and how to upload directly, then <c>POST /files/{id}/complete</c>.</summary>
/// <param name="Id">The file id to complete.</param>
/// <param name="UploadUrl">A write-only SAS URL for exactly this blob.</param>
/// <param name="Method">Always <c>PUT</c> (Put Blob, or Put Block + Put Block List for large files).</param>
/// <param name="Headers">Headers the PUT must carry (<c>x-ms-blob-type: BlockBlob</c>).</param>
/// <param name="ExpiresAt">When the URL stops working.</param>
/// <param name="MaxSize">The largest size <c>complete</c> accepts.</param>
public sealed record UploadUrlResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("upload_url")] string UploadUrl,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("max_size")] long MaxSize);
