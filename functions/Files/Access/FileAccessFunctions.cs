using Hit.Contracts.Files;
using Hit.Files.Storage;
using Hit.Files.Uploads;
using Hit.Platform.Errors;
using Hit.Platform.Storage;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hit.Files.Access;

/// <summary>Reading and deleting files. Every lookup is a point read in the caller's namespace partition.</summary>
internal static partial class FileAccessFunctions
{
    public static IEndpointRouteBuilder MapFileAccessFunctions(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files");
        files.MapGet("/{id}", GetFile).WithName(nameof(GetFile))
            .WithSummary("File info with short-lived read URLs for the original and each thumbnail.");
        files.MapGet("/{id}/content", GetFileContent).WithName(nameof(GetFileContent))
            .WithSummary("Streams the original (ranges, ETag/If-None-Match).");
        files.MapGet("/{id}/thumbnails/{size}", GetThumbnail).WithName(nameof(GetThumbnail))
            .WithSummary("Streams one thumbnail: 128, 256, 1024 or 256-square by default.");
        files.MapDelete("/{id}", DeleteFile).WithName(nameof(DeleteFile))
            .WithSummary("Deletes the original, its thumbnails and the document.");
        return app;
    }

    internal static async Task<Results<Ok<FileResponse>, ProblemHttpResult>> GetFile(
        string id, TenantNamespace ns, FileStore store, BlobUrlSigner signer, IOptions<FilesOptions> options, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, ns, id, cancellationToken) is not { } file)
        {
            return NotFound(id);
        }

        if (file.Status == FileStatuses.Uploading)
        {
            return TypedResults.Ok(FileResponses.From(file));
        }

        var lifetime = options.Value.ReadUrlLifetime;
        var (url, expiresAt) = await signer.SignAsync(BlobLayout.UploadsContainer, file.BlobName, BlobSasPermissions.Read, lifetime, cancellationToken);
        var thumbnailUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var thumbnail in file.Thumbnails)
        {
            var (thumbnailUrl, _) = await signer.SignAsync(BlobLayout.ThumbnailsContainer, thumbnail.BlobName, BlobSasPermissions.Read, lifetime, cancellationToken);
            thumbnailUrls[thumbnail.Key] = thumbnailUrl.AbsoluteUri;
        }

        return TypedResults.Ok(FileResponses.From(file, url.AbsoluteUri, thumbnailUrls, expiresAt));
    }

    internal static async Task<Results<BlobStreamResult, ProblemHttpResult>> GetFileContent(
        string id, TenantNamespace ns, FileStore store, BlobContainers containers, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, ns, id, cancellationToken) is not { } file || file.Status == FileStatuses.Uploading)
        {
            return NotFound(id);
        }

        var blob = containers.Container(BlobLayout.UploadsContainer).GetBlobClient(file.BlobName);
        return new BlobStreamResult(blob, file.ContentType, file.Name, ContentSniffing.IsSafeInline(file.ContentType));
    }

    internal static async Task<Results<BlobStreamResult, ProblemHttpResult>> GetThumbnail(
        string id, string size, TenantNamespace ns, FileStore store, BlobContainers containers, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, ns, id, cancellationToken) is not { } file)
        {
            return NotFound(id);
        }

        var thumbnail = file.Thumbnails.FirstOrDefault(t => string.Equals(t.Key, size, StringComparison.Ordinal));
        if (thumbnail is null)
        {
            var detail = file.Status == FileStatuses.Processing || file.Status == FileStatuses.Uploading
                ? $"File {id} has no thumbnails yet (status {file.Status})."
                : $"File {id} has no thumbnail '{size}' (status {file.Status}{(file.StatusReason is null ? "" : ": " + file.StatusReason)}).";
            return Problems.NotFound(detail, FileProblemCodes.ThumbnailNotFound);
        }

        var blob = containers.Container(BlobLayout.ThumbnailsContainer).GetBlobClient(thumbnail.BlobName);
        var extension = thumbnail.ContentType == ContentSniffing.Png ? "png" : "jpg";
        return new BlobStreamResult(blob, thumbnail.ContentType, $"{Path.GetFileNameWithoutExtension(file.Name)}-{thumbnail.Key}.{extension}", inline: true);
    }

    /// <summary>
    /// Blobs first, the document last: a failure part-way leaves the document, so repeating the DELETE finishes the
    /// job instead of orphaning blobs nobody can find any more.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteFile(
        string id, TenantNamespace ns, FileStore store, BlobContainers containers, ILogger<FileStore> logger, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, ns, id, cancellationToken) is not { } file)
        {
            return NotFound(id);
        }

        await containers.DeleteFileBlobsAsync(ns.Value, file.Bucket, file.FileId, file.BlobName, cancellationToken);
        await store.DeleteAsync(ns.Value, file.FileId, cancellationToken);
        Log.Deleted(logger, ns.Value, file.FileId);
        return TypedResults.NoContent();
    }

    private static async Task<FileDocument?> FindAsync(FileStore store, TenantNamespace ns, string id, CancellationToken cancellationToken) =>
        BlobLayout.IsValidFileId(id) ? await store.GetAsync(ns.Value, id, cancellationToken) : null;

    private static ProblemHttpResult NotFound(string id) =>
        Problems.NotFound($"No file '{(id.Length > 64 ? id[..64] : id)}' in this namespace.", FileProblemCodes.FileNotFound);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Deleted file {FileId} in {Namespace}")]
        public static partial void Deleted(ILogger logger, string @namespace, string fileId);
    }
}
