using Hit.Contracts.Files;
using Hit.Files.Storage;
using Hit.Files.Uploads;
using Hit.Platform.Errors;
using Azure.Storage.Sas;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hit.Files.Access;

/// <summary>Reading and deleting files. Every lookup is a point read in the caller's namespace partition.</summary>
internal sealed partial class FileAccessFunctions(
    FileStore store, BlobContainers containers, BlobUrlSigner signer, IOptions<FilesOptions> options, ILogger<FileAccessFunctions> logger)
{
    /// <summary>File info with short-lived read URLs for the original and each thumbnail.</summary>
    [Function(nameof(GetFile))]
    public async Task<Results<Ok<FileResponse>, ProblemHttpResult>> GetFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
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

    /// <summary>Streams the original (ranges, ETag/If-None-Match).</summary>
    [Function(nameof(GetFileContent))]
    public async Task<Results<BlobStreamResult, ProblemHttpResult>> GetFileContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}/content")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, ns, id, cancellationToken) is not { } file || file.Status == FileStatuses.Uploading)
        {
            return NotFound(id);
        }

        var blob = containers.Container(BlobLayout.UploadsContainer).GetBlobClient(file.BlobName);
        return new BlobStreamResult(blob, file.ContentType, file.Name, ContentSniffing.IsSafeInline(file.ContentType));
    }

    /// <summary>Streams one thumbnail: 128, 256, 1024 or 256-square by default.</summary>
    [Function(nameof(GetThumbnail))]
    public async Task<Results<BlobStreamResult, ProblemHttpResult>> GetThumbnail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}/thumbnails/{size}")] HttpRequest request,
        string id, string size, TenantNamespace ns, CancellationToken cancellationToken)
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
        var extension = thumbnail.ContentType switch { ContentSniffing.Png => "png", ContentSniffing.Webp => "webp", _ => "jpg" };
        return new BlobStreamResult(blob, thumbnail.ContentType, $"{Path.GetFileNameWithoutExtension(file.Name)}-{thumbnail.Key}.{extension}", inline: true);
    }

    /// <summary>
    /// Blobs first, the document last: a failure part-way leaves the document, so repeating the DELETE finishes the
    /// job instead of orphaning blobs nobody can find any more.
    /// </summary>
    [Function(nameof(DeleteFile))]
    public async Task<Results<NoContent, ProblemHttpResult>> DeleteFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "files/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
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
