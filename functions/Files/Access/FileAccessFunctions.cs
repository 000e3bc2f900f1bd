using Hit.Contracts.Files;
using Hit.Files.Storage;
using Hit.Files.Uploads;
using Hit.Platform.Errors;
using Azure.Storage.Sas;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Hit.Platform.Http;

namespace Hit.Files.Access;

/// <summary>
/// Reading, sharing and deleting files. Every lookup is a point read in the caller's namespace partition; the owner
/// reads and changes a file, anyone reads a public one (<see cref="FileCallers"/>).
/// </summary>
internal sealed partial class FileAccessFunctions(
    FileStore store, BlobContainers containers, BlobUrlSigner signer, IOptions<FilesOptions> options, TimeProvider time, ILogger<FileAccessFunctions> logger)
{
    /// <summary>File info with short-lived read URLs for the original and each thumbnail.</summary>
    [Function(nameof(GetFile))]
    public async Task<IResult> GetFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (file, refusal) = await ReadableAsync(request, ns, id, cancellationToken);
        if (file is null)
        {
            return refusal!;
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
    public async Task<IResult> GetFileContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}/content")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (file, refusal) = await ReadableAsync(request, ns, id, cancellationToken);
        if (file is null)
        {
            return refusal!;
        }

        if (file.Status == FileStatuses.Uploading)
        {
            return NotFound(id);
        }

        var blob = containers.Container(BlobLayout.UploadsContainer).GetBlobClient(file.BlobName);
        return new BlobStreamResult(blob, file.ContentType, file.Name, ContentSniffing.IsSafeInline(file.ContentType));
    }

    /// <summary>Streams one thumbnail: 128, 256, 1024 or 256-square by default.</summary>
    [Function(nameof(GetThumbnail))]
    public async Task<IResult> GetThumbnail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "files/{id}/thumbnails/{size}")] HttpRequest request,
        string id, string size, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (file, refusal) = await ReadableAsync(request, ns, id, cancellationToken);
        if (file is null)
        {
            return refusal!;
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
    public async Task<IResult> DeleteFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "files/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        if (await FindAsync(store, user.Namespace, id, cancellationToken) is not { } file || !FileCallers.Owns(file, user))
        {
            return NotFound(id);
        }

        await containers.DeleteFileBlobsAsync(user.Namespace, file.Bucket, file.FileId, file.BlobName, cancellationToken);
        await store.DeleteAsync(user.Namespace, file.FileId, cancellationToken);
        Log.Deleted(logger, user.Namespace, file.FileId);
        return TypedResults.NoContent();
    }

    /// <summary>The owner shares a file (<c>{"public": true}</c>) or makes it private again.</summary>
    [Function(nameof(UpdateFile))]
    public async Task<IResult> UpdateFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "files/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        var (body, invalid) = await JsonBody.ReadAsync(request, Hit.Contracts.HitJsonContext.Default.UpdateFileRequest, cancellationToken);
        if (body is null)
        {
            return invalid!.ToProblem();
        }

        if (body.Public is not { } shared)
        {
            return Problems.BadRequest("public", "`public` (true or false) is required.");
        }

        if (!BlobLayout.IsValidFileId(id))
        {
            return NotFound(id);
        }

        // Checked inside the guarded replace, so the owner test and the write see the same version of the document.
        var owned = false;
        var saved = await store.UpdateAsync(user.Namespace, id, current =>
        {
            owned = FileCallers.Owns(current, user);
            return owned && current.Public != shared ? current with { Public = shared, UpdatedAt = time.GetUtcNow() } : null;
        }, create: null, cancellationToken);
        if (saved is null || !owned)
        {
            return NotFound(id);
        }

        Log.SharingChanged(logger, user.Namespace, id, shared);
        return TypedResults.Ok(FileResponses.From(saved));
    }

    /// <summary>
    /// The file when the caller may read it; otherwise the refusal: a token's user gets 404 for a file that is missing
    /// or someone else's private one (which is which does not show), an anonymous caller the 401 challenge either way.
    /// </summary>
    private async Task<(FileDocument? File, IResult? Refusal)> ReadableAsync(HttpRequest request, TenantNamespace resolved, string id, CancellationToken cancellationToken)
    {
        if (!FileCallers.TryReader(request, resolved, out var user, out var ns, out var refusal))
        {
            return (null, refusal);
        }

        var file = await FindAsync(store, ns, id, cancellationToken);
        if (file is not null && FileCallers.CanRead(file, user))
        {
            return (file, null);
        }

        return (null, user is null ? TypedResults.Challenge() : NotFound(id));
    }

    private static async Task<FileDocument?> FindAsync(FileStore store, string ns, string id, CancellationToken cancellationToken) =>
        BlobLayout.IsValidFileId(id) ? await store.GetAsync(ns, id, cancellationToken) : null;

    private static ProblemHttpResult NotFound(string id) =>
        Problems.NotFound($"No file '{(id.Length > 64 ? id[..64] : id)}' in this namespace.", FileProblemCodes.FileNotFound);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Deleted file {FileId} in {Namespace}")]
        public static partial void Deleted(ILogger logger, string @namespace, string fileId);

        [LoggerMessage(11, LogLevel.Information, "File {FileId} in {Namespace} is now public: {Public}")]
        public static partial void SharingChanged(ILogger logger, string @namespace, string fileId, bool @public);
    }
}
