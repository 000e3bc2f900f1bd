using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Hit.Contracts;
using Hit.Contracts.Files;
using Hit.Files.Access;
using Hit.Files.Storage;
using Hit.Platform.Errors;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Hit.Platform.Http;

namespace Hit.Files.Uploads;

/// <summary>
/// Uploads: multipart through the API, or a SAS URL for a direct upload followed by <c>complete</c>. Each needs a Hit
/// access token: the file goes into the token's namespace and records its subject as the owner.
/// </summary>
internal sealed partial class UploadFunctions(
    IOptions<FilesOptions> options, BlobContainers containers, FileStore store, BlobUrlSigner signer, TimeProvider time, ILogger<UploadFunctions> logger)
{
    private const int MaxTextFieldBytes = 4096;

    /// <summary>
    /// Blocks of 4 MiB, at most 4 in flight, and a single-shot PUT only up to 4 MiB: the part's stream is not
    /// seekable, so the SDK buffers what it sends — this bounds that to ≈ 20 MiB per upload instead of its 256 MiB
    /// single-upload default. The block list is committed only at the end, so a refused upload leaves no blob.
    /// </summary>
    private static readonly StorageTransferOptions StreamingTransfer = new()
    {
        InitialTransferSize = 4 * 1024 * 1024,
        MaximumTransferSize = 4 * 1024 * 1024,
        MaximumConcurrency = 4,
    };

    /// <summary>
    /// Streams the file part straight into blob storage — never buffered whole — sniffing its type from the first
    /// bytes and hashing it on the way. Text fields must come before the file part, as with S3 and GCS form
    /// uploads: the blob's path depends on the bucket.
    /// </summary>
    [Function(nameof(UploadFile))]
    // Streams multipart and enforces Files:MaxUploadBytes itself (MeteredStream), a size only settings know.
    [RequestBodyLimit(RequestBodyLimitAttribute.FunctionEnforced)]
    public async Task<IResult> UploadFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "files/upload")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        // Before a byte of the body is read: an anonymous upload must not cost storage or bandwidth.
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = user.Namespace;
        var settings = options.Value;
        var http = request.HttpContext;

        // The limit is ours (below); Kestrel's default 30 MB cap would cut 100 MB uploads short. Program.cs lifts the
        // worker's server-wide cap as well, since the body may already be flowing when the function starts.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, FileProblemCodes.MultipartRequired,
                "Send multipart/form-data with a boundary and a part named `file`.", "Content-Type");
        }

        // Multipart framing adds well under 64 KiB; a declared length beyond that cannot fit the limit.
        if (request.ContentLength > settings.MaxUploadBytes + FilesOptions.MultipartFramingBytes)
        {
            return await TooLargeAsync(http, settings.MaxUploadBytes, cancellationToken);
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        string? bucketField = null;
        string? publicField = null;
        var tagFields = new List<string>();
        FileResponse? stored = null;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name == "file" && disposition.IsFileDisposition())
            {
                if (stored is not null)
                {
                    await DiscardAsync(stored, ns);
                    return Problems.BadRequest("file", "Send exactly one part named `file`.", FileProblemCodes.FileMissing);
                }

                if (UploadFields.Bucket(bucketField, settings, "bucket_name", out var bucket) is { } badBucket)
                {
                    return badBucket;
                }

                if (UploadFields.Tags(tagFields, "file_tags", out var tags) is { } badTags)
                {
                    return badTags;
                }

                if (UploadFields.Public(publicField, "public", out var isPublic) is { } badPublic)
                {
                    return badPublic;
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var result = await StoreAsync(http, ns, user.Id, isPublic, bucket, tags, fileName, section, settings, cancellationToken);
                if (result.Problem is { } problem)
                {
                    return problem;
                }

                stored = result.File;
            }
            else if (name is "bucket_name" or "file_tags" or "public")
            {
                if (stored is not null)
                {
                    await DiscardAsync(stored, ns);
                    return Problems.BadRequest(name, $"`{name}` must come before the `file` part.", FileProblemCodes.FieldAfterFile);
                }

                var value = await ReadTextAsync(section, cancellationToken);
                if (value is null)
                {
                    return Problems.BadRequest(name, $"`{name}` is longer than {MaxTextFieldBytes} bytes.");
                }

                if (name == "bucket_name")
                {
                    bucketField = value;
                }
                else if (name == "public")
                {
                    publicField = value;
                }
                else
                {
                    tagFields.Add(value);
                }
            }
        }

        return stored is null
            ? Problems.BadRequest("file", "The multipart body has no file part named `file`.", FileProblemCodes.FileMissing)
            : TypedResults.Created(PublicAddress.PathFor(request, $"/files/{stored.Id}"), stored);
    }

    private async Task<(FileResponse? File, ProblemHttpResult? Problem)> StoreAsync(HttpContext http, string ns, string owner, bool isPublic, string bucket, List<string> tags,
        string? rawName, MultipartSection section, FilesOptions settings, CancellationToken cancellationToken)
    {
        var fileId = BlobLayout.NewFileId();
        var name = SafeFileName.From(rawName);
        var blobName = BlobLayout.Original(ns, bucket, fileId, name);
        var blob = await containers.BlobAsync(BlobLayout.UploadsContainer, blobName, cancellationToken);

        // Sniff from the first bytes before anything is written, so the blob is stored with the real type.
        var head = new byte[ContentSniffing.HeadLength];
        var headLength = await section.Body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var contentType = ContentSniffing.Sniff(head.AsSpan(0, headLength));
        await using var metered = new MeteredStream(head.AsMemory(0, headLength), section.Body, settings.MaxUploadBytes);
        try
        {
            await blob.UploadAsync(metered, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                TransferOptions = StreamingTransfer,
            }, cancellationToken);
        }
        catch (Exception ex) when (UploadTooLargeException.IsCause(ex))
        {
            // Blocks staged so far are never committed; a single-shot PUT was aborted mid-body. Delete anyway in case a
            // retry or an earlier commit left something, then tell the client.
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            Log.UploadTooLarge(logger, ns, bucket, settings.MaxUploadBytes);
            return (null, await TooLargeAsync(http, settings.MaxUploadBytes, cancellationToken));
        }

        var now = time.GetUtcNow();
        var document = new FileDocument
        {
            Id = FileDocument.IdFor(fileId),
            Pk = FileDocument.PkFor(ns, fileId),
            Ns = ns,
            FileId = fileId,
            Name = name,
            Bucket = bucket,
            BlobName = blobName,
            Size = metered.BytesRead,
            ContentType = contentType,
            ClaimedContentType = UploadFields.Claimed(section.ContentType),
            Sha256 = metered.HashHex(),
            Tags = tags,
            Status = FileStatuses.Processing,
            Origin = FileOrigins.Api,
            Owner = owner,
            Public = isPublic,
            CreatedAt = now,
            UpdatedAt = now,
        };

        // The thumbnail trigger may already have registered the blob (it can fire as soon as the blob exists); then
        // the API's facts are merged into its document and its verdict is kept.
        var saved = await store.UpdateAsync(ns, fileId, current => current with
        {
            Name = document.Name,
            Size = document.Size,
            ContentType = document.ContentType,
            ClaimedContentType = document.ClaimedContentType,
            Sha256 = document.Sha256,
            Tags = document.Tags,
            Origin = document.Origin,
            // The trigger registers a blob it finds first without an owner; the upload that wrote it owns it.
            Owner = document.Owner,
            Public = document.Public,
            CreatedAt = document.CreatedAt,
            UpdatedAt = now,
        }, () => document, cancellationToken);
        Log.Uploaded(logger, ns, bucket, fileId, document.Size, contentType);
        return (FileResponses.From(saved!), null);
    }

    /// <summary>Issues a write-only SAS URL for exactly one new blob; the document waits in <c>uploading</c>.</summary>
    [Function(nameof(CreateUploadUrl))]
    public async Task<IResult> CreateUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "files/upload-url")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = user.Namespace;
        var settings = options.Value;
        var (body, invalid) = await JsonBody.ReadAsync(request, HitJsonContext.Default.UploadUrlRequest, cancellationToken, optional: true);
        if (invalid is not null)
        {
            return invalid.ToProblem();
        }

        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            return Problems.BadRequest("name", "`name` (the file name) is required.");
        }

        if (body.Size is < 0)
        {
            return Problems.BadRequest("size", "`size` cannot be negative.");
        }

        if (body.Size > settings.MaxUploadBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, FileProblemCodes.UploadTooLarge,
                $"Files may be at most {settings.MaxUploadBytes} bytes.", "size");
        }

        if (UploadFields.Bucket(body.BucketName, settings, "bucket_name", out var bucket) is { } badBucket)
        {
            return badBucket;
        }

        if (UploadFields.Tags(body.FileTags ?? [], "file_tags", out var tags) is { } badTags)
        {
            return badTags;
        }

        var fileId = BlobLayout.NewFileId();
        var name = SafeFileName.From(body.Name);
        var blobName = BlobLayout.Original(ns, bucket, fileId, name);
        await containers.BlobAsync(BlobLayout.UploadsContainer, blobName, cancellationToken);
        var now = time.GetUtcNow();
        await store.TryCreateAsync(new FileDocument
        {
            Id = FileDocument.IdFor(fileId),
            Pk = FileDocument.PkFor(ns, fileId),
            Ns = ns,
            FileId = fileId,
            Name = name,
            Bucket = bucket,
            BlobName = blobName,
            Size = body.Size ?? 0,
            ClaimedContentType = UploadFields.Claimed(body.ContentType),
            Tags = tags,
            Status = FileStatuses.Uploading,
            Origin = FileOrigins.UploadUrl,
            Owner = user.Id,
            Public = body.Public ?? false,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);

        // Create + Write only: the holder can upload this one blob (in blocks, too) but not read or list anything.
        var (url, expiresAt) = await signer.SignAsync(BlobLayout.UploadsContainer, blobName, BlobSasPermissions.Create | BlobSasPermissions.Write,
            settings.UploadUrlLifetime, cancellationToken);
        return TypedResults.Ok(new UploadUrlResponse(fileId, url.AbsoluteUri, "PUT",
            new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" }, expiresAt, settings.MaxUploadBytes));
    }

    /// <summary>
    /// Registers a direct upload: the blob must exist and fit the limit (an oversized one is deleted, 413); its type
    /// is sniffed and its SHA-256 computed from the stored bytes. Idempotent: completing twice answers the same file.
    /// </summary>
    [Function(nameof(CompleteUpload))]
    public async Task<IResult> CompleteUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "files/{id}/complete")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = user.Namespace;
        var settings = options.Value;
        var document = BlobLayout.IsValidFileId(id) ? await store.GetAsync(ns, id, cancellationToken) : null;
        if (document is null || !FileCallers.Owns(document, user))
        {
            return Problems.NotFound($"No file {id}.", FileProblemCodes.FileNotFound);
        }

        if (document.Status != FileStatuses.Uploading && document.Sha256 is not null)
        {
            return TypedResults.Ok(FileResponses.From(document));
        }

        var blob = await containers.BlobAsync(BlobLayout.UploadsContainer, document.BlobName, cancellationToken);
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return Problems.Conflict("Nothing has been uploaded to the upload URL yet.", FileProblemCodes.UploadNotFound);
        }

        using (download)
        {
            if (download.Details.ContentLength > settings.MaxUploadBytes)
            {
                await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                await store.DeleteAsync(ns, id, cancellationToken);
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, FileProblemCodes.UploadTooLarge,
                    $"The uploaded blob is {download.Details.ContentLength} bytes; files may be at most {settings.MaxUploadBytes} bytes. It was deleted.");
            }

            var head = new byte[ContentSniffing.HeadLength];
            var headLength = await download.Content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            await using var metered = new MeteredStream(head.AsMemory(0, headLength), download.Content, settings.MaxUploadBytes);
            await metered.CopyToAsync(Stream.Null, cancellationToken);
            var contentType = ContentSniffing.Sniff(head.AsSpan(0, headLength));
            var sha256 = metered.HashHex();
            var size = metered.BytesRead;
            var saved = await store.UpdateAsync(ns, id, current => current with
            {
                Size = size,
                Sha256 = sha256,
                ContentType = contentType,
                // The trigger may have settled the file already; only a still-uploading file moves on to processing.
                Status = current.Status == FileStatuses.Uploading ? FileStatuses.Processing : current.Status,
                UpdatedAt = time.GetUtcNow(),
            }, create: null, cancellationToken);
            return saved is null
                ? Problems.NotFound($"No file {id}.", FileProblemCodes.FileNotFound)
                : TypedResults.Ok(FileResponses.From(saved));
        }
    }

    /// <summary>
    /// A request refused after its file was stored (a field after the file, a second file) leaves nothing behind:
    /// the blob, any thumbnails the trigger already made, and the document go. Not cancellable — the client may be gone.
    /// </summary>
    private async Task DiscardAsync(FileResponse stored, string ns)
    {
        await containers.DeleteFileBlobsAsync(ns, stored.Bucket, stored.Id, BlobLayout.Original(ns, stored.Bucket, stored.Id, stored.Name), CancellationToken.None);
        await store.DeleteAsync(ns, stored.Id, CancellationToken.None);
    }

    /// <summary>
    /// Reads (and discards) what is left of an oversized body, up to a bound, before answering 413: a server that
    /// answers early and closes makes many clients and proxies report a connection reset instead of the 413.
    /// </summary>
    private static async Task<ProblemHttpResult> TooLargeAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        const long DrainLimit = 16L * 1024 * 1024;
        var buffer = new byte[64 * 1024];
        long drained = 0;
        try
        {
            int n;
            while (drained < DrainLimit && (n = await http.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                drained += n;
            }
        }
        catch (IOException)
        {
            // The client gave up sending; the 413 still goes out if the connection allows.
        }

        return Problems.Create(StatusCodes.Status413PayloadTooLarge, FileProblemCodes.UploadTooLarge, $"Files may be at most {limit} bytes.", "file");
    }

    private static async Task<string?> ReadTextAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxTextFieldBytes + 1];
        var n = await section.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return n > MaxTextFieldBytes ? null : Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Stored file {FileId} in {Namespace}/{Bucket}: {Size} bytes, {ContentType}")]
        public static partial void Uploaded(ILogger logger, string @namespace, string bucket, string fileId, long size, string contentType);

        [LoggerMessage(2, LogLevel.Warning, "Refused an upload to {Namespace}/{Bucket} over the limit of {Limit} bytes")]
        public static partial void UploadTooLarge(ILogger logger, string @namespace, string bucket, long limit);
    }
}

/// <summary>How a file came in (<see cref="FileDocument.Origin"/>).</summary>
internal static class FileOrigins
{
    public const string Api = "api";
    public const string UploadUrl = "upload-url";
    public const string Direct = "direct";
}
