using Hit.Contracts.Files;
using Hit.Files.Storage;

namespace Hit.Files.Access;

/// <summary>Maps stored file documents to the API's contract.</summary>
internal static class FileResponses
{
    public static FileResponse From(FileDocument file, string? url = null, IReadOnlyDictionary<string, string>? thumbnailUrls = null,
        DateTimeOffset? urlsExpireAt = null) => new(
        file.FileId,
        file.Name,
        file.Size,
        file.ContentType,
        file.ClaimedContentType,
        file.Sha256,
        file.Tags,
        file.Bucket,
        file.Status,
        file.StatusReason,
        file.Width,
        file.Height,
        [.. file.Thumbnails.Select(t => new ThumbnailResponse(t.Key, t.Width, t.Height, t.ContentType, t.Length,
            thumbnailUrls is not null && thumbnailUrls.TryGetValue(t.Key, out var u) ? u : null))],
        file.CreatedAt,
        file.UpdatedAt,
        url,
        urlsExpireAt,
        file.Public);
}
