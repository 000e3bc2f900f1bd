using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hit.Contracts.Files;
using Hit.Files.Storage;
using Hit.Files.Uploads;
using Microsoft.Extensions.Options;

namespace Hit.Files.Thumbnails;

/// <summary>
/// Turns a new original into thumbnails and a settled file document. Idempotent: thumbnails have deterministic
/// names (re-delivery overwrites them with the same bytes), the document remembers the ETag it settled for, and a
/// re-delivery for that ETag is a no-op. Works for any blob under <c>uploads/{ns}/{bucket}/{fileId}/{name}</c>,
/// whoever wrote it: a blob nobody registered gets its document here.
/// </summary>
internal sealed partial class ThumbnailProcessor
{
    private readonly FileStore store;
    private readonly BlobContainers containers;
    private readonly IOptions<FilesOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<ThumbnailProcessor> logger;

    public ThumbnailProcessor(FileStore store, BlobContainers containers, IOptions<FilesOptions> options, TimeProvider time, ILogger<ThumbnailProcessor> logger)
    {
        (this.store, this.containers, this.options, this.time, this.logger) = (store, containers, options, time, logger);
        VipsThumbnailer.Configure(options.Value.Thumbnails.VipsConcurrency);
    }

    /// <summary>Metadata on every generated blob, so tooling can tell generated output from user content.</summary>
    public const string GeneratedMetadataKey = "hit_generated_from";

    /// <summary>
    /// Processes the original <paramref name="blob"/> names; <paramref name="triggeredETag"/> is the version that fired
    /// the trigger (null when unknown). One summary line per call goes to <paramref name="invocationLogs"/>.
    /// </summary>
    public async Task ProcessAsync(BlobClient blob, string? triggeredETag, List<string> invocationLogs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(invocationLogs);
        var settings = options.Value;
        if (!BlobLayout.TryParseOriginal(blob.Name, out var path) || !settings.AllowedBuckets.Contains(path.Bucket, StringComparer.Ordinal))
        {
            Log.Ignored(logger, blob.Name);
            invocationLogs.Add($"ignored {blob.Name}: not uploads/{{namespace}}/{{allowed bucket}}/{{file id}}/{{name}}");
            return;
        }

        // The blob as it is now: gone (deleted since) or replaced (a newer event follows) means this content is stale.
        var original = containers.Container(BlobLayout.UploadsContainer).GetBlobClient(blob.Name);
        BlobProperties current;
        try
        {
            current = (await original.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            Gone(blob.Name, invocationLogs);
            return;
        }

        var etag = current.ETag.ToString();
        if (triggeredETag is { Length: > 0 } triggered && triggered.Trim('"') != etag.Trim('"'))
        {
            Stale(blob.Name, invocationLogs);
            return;
        }

        var existing = await store.GetAsync(path.Namespace, path.FileId, cancellationToken);
        if (existing is not null && (existing.BlobName != blob.Name || (existing.IsSettled && existing.SourceETag == etag)))
        {
            Log.AlreadyDone(logger, blob.Name, existing.Status);
            invocationLogs.Add($"no-op {blob.Name}: already {existing.Status}");
            return;
        }

        var started = Stopwatch.GetTimestamp();
        StoredContent stored;
        try
        {
            stored = await ReadAsync(original, current, settings, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
        {
            // Deleted or replaced while it was being read: the read is pinned to the ETag checked above.
            if (ex.Status == StatusCodes.Status404NotFound)
            {
                Gone(blob.Name, invocationLogs);
            }
            else
            {
                Stale(blob.Name, invocationLogs);
            }

            return;
        }

        var (content, length, sha256, contentType) = stored;
        var verdict = await DecideAsync(path, content, length, contentType, settings, cancellationToken);
        var now = time.GetUtcNow();
        var saved = await store.UpdateAsync(path.Namespace, path.FileId,
            file => file.IsSettled && file.SourceETag == etag ? null : Settle(file, verdict, etag, length, sha256, contentType, now),
            () => Settle(NewDirectFile(path, blob.Name, now), verdict, etag, length, sha256, contentType, now),
            cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.Settled(logger, blob.Name, saved!.Status, verdict.Reason ?? "", verdict.Thumbnails.Count, elapsed.TotalMilliseconds, verdict.Imaging.TotalMilliseconds);
        invocationLogs.Add(FormattableString.Invariant(
            $"{saved.Status} {blob.Name}: {verdict.Thumbnails.Count} thumbnails in {elapsed.TotalMilliseconds:F1} ms (imaging {verdict.Imaging.TotalMilliseconds:F1} ms){(verdict.Reason is null ? "" : " — " + verdict.Reason)}"));
    }

    /// <summary>
    /// The original's bytes, type and SHA-256, read pinned to <paramref name="properties"/>' ETag. Within the
    /// thumbnail limits it is downloaded whole (the decoder needs it); a larger blob is only streamed through the hash
    /// and the sniffer, never held, because it fails on size anyway.
    /// </summary>
    private static async Task<StoredContent> ReadAsync(BlobClient blob, BlobProperties properties, FilesOptions settings, CancellationToken cancellationToken)
    {
        var conditions = new BlobRequestConditions { IfMatch = properties.ETag };
        if (properties.ContentLength <= Math.Min(settings.MaxUploadBytes, settings.Thumbnails.MaxInputBytes))
        {
            var bytes = (await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken)).Value.Content.ToArray();
            return new StoredContent(bytes, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)),
                ContentSniffing.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffing.HeadLength))));
        }

        using var download = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken)).Value;
        var head = new byte[ContentSniffing.HeadLength];
        var headLength = await download.Content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(head, 0, headLength);
        long length = headLength;
        var buffer = new byte[81920];
        int n;
        while ((n = await download.Content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            length += n;
        }

        return new StoredContent(null, length, Convert.ToHexStringLower(hash.GetHashAndReset()), ContentSniffing.Sniff(head.AsSpan(0, headLength)));
    }

    private void Gone(string blobName, List<string> invocationLogs)
    {
        Log.Gone(logger, blobName);
        invocationLogs.Add($"skipped {blobName}: deleted before it was processed");
    }

    private void Stale(string blobName, List<string> invocationLogs)
    {
        Log.Stale(logger, blobName);
        invocationLogs.Add($"skipped {blobName}: replaced since the event; the newer version triggers again");
    }

    private async Task<Verdict> DecideAsync(OriginalPath path, byte[]? content, long length, string contentType, FilesOptions settings,
        CancellationToken cancellationToken)
    {
        if (contentType == ContentSniffing.Svg)
        {
            return Verdict.Skip("SVG is a vector image: it scales without thumbnails");
        }

        if (!contentType.StartsWith("image/", StringComparison.Ordinal))
        {
            return Verdict.Skip($"not an image ({contentType})");
        }

        if (!ContentSniffing.IsThumbnailable(contentType))
        {
            return Verdict.Skip($"{contentType} images are not thumbnailed (JPEG, PNG, GIF, WebP, AVIF and TIFF are)");
        }

        var limits = settings.Thumbnails;
        if (content is null || length > settings.MaxUploadBytes || length > limits.MaxInputBytes)
        {
            return Verdict.Fail($"the image is {length} bytes; thumbnails are made for images up to {Math.Min(settings.MaxUploadBytes, limits.MaxInputBytes)} bytes");
        }

        var job = new ThumbnailJob(
            [.. limits.FitSizes.Select(s => new ThumbnailSpec(s.ToString(System.Globalization.CultureInfo.InvariantCulture), s, Cover: false)),
             .. limits.SquareSizes.Select(s => new ThumbnailSpec(s.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-square", s, Cover: true))],
            limits.Format, limits.Quality, limits.MaxInputBytes, limits.MaxPixels, limits.Timeout);
        var imagingStarted = Stopwatch.GetTimestamp();
        // One open for every size; libvips works synchronously, so it runs off the invocation's thread.
        var result = await Task.Run(() => VipsThumbnailer.Make(content, job, cancellationToken), cancellationToken);
        var imagingTime = Stopwatch.GetElapsedTime(imagingStarted);
        if (result.Refusal is { } refusal)
        {
            var kind = refusal switch
            {
                RefusalKind.OverTheLimits => "over the limits",
                RefusalKind.Truncated => "truncated image",
                RefusalKind.TimedOut => "too slow to decode",
                _ => "unreadable image",
            };
            return Verdict.Fail($"{kind}: {result.Reason}") with { Imaging = imagingTime };
        }

        var container = await containers.GetAsync(BlobLayout.ThumbnailsContainer, cancellationToken);
        // The sizes are independent blobs: write them concurrently (deterministic names, so a retry overwrites).
        var entries = await Task.WhenAll(result.Thumbnails.Select(async thumbnail =>
        {
            var name = BlobLayout.Thumbnail(path.Namespace, path.Bucket, path.FileId, thumbnail.Key, thumbnail.Extension);
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(thumbnail.Data), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = thumbnail.ContentType },
                Metadata = new Dictionary<string, string> { [GeneratedMetadataKey] = path.FileId },
            }, cancellationToken);
            return new ThumbnailEntry(thumbnail.Key, name, thumbnail.Width, thumbnail.Height, thumbnail.ContentType, thumbnail.Data.Length);
        }));

        return new Verdict(FileStatuses.Ready, null, entries, result.SourceWidth, result.SourceHeight) { Imaging = imagingTime };
    }

    private static FileDocument Settle(FileDocument file, Verdict verdict, string etag, long size, string sha256, string contentType, DateTimeOffset now) =>
        file with
        {
            Status = verdict.Status,
            StatusReason = verdict.Reason,
            Thumbnails = verdict.Thumbnails,
            Width = verdict.Width ?? file.Width,
            Height = verdict.Height ?? file.Height,
            SourceETag = etag,
            Attempts = file.Attempts + 1,
            // The trigger saw the stored bytes: for direct uploads these are the only facts there are.
            Size = size,
            Sha256 = sha256,
            ContentType = contentType,
            UpdatedAt = now,
        };

    private static FileDocument NewDirectFile(OriginalPath path, string blobName, DateTimeOffset now) => new()
    {
        Id = FileDocument.IdFor(path.FileId),
        Pk = FileDocument.PkFor(path.Namespace, path.FileId),
        Ns = path.Namespace,
        FileId = path.FileId,
        Name = SafeFileName.From(path.Name),
        Bucket = path.Bucket,
        BlobName = blobName,
        Status = FileStatuses.Processing,
        Origin = FileOrigins.Direct,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The original as read: its bytes (null when over the limits, streamed only), length, SHA-256 and sniffed type.</summary>
    private sealed record StoredContent(byte[]? Content, long Length, string Sha256, string ContentType);

    private sealed record Verdict(string Status, string? Reason, IReadOnlyList<ThumbnailEntry> Thumbnails, int? Width, int? Height)
    {
        /// <summary>Time spent in libvips (decode, resize, encode), reported for the throughput measurement.</summary>
        public TimeSpan Imaging { get; init; }

        public static Verdict Skip(string reason) => new(FileStatuses.Skipped, reason, [], null, null);

        public static Verdict Fail(string reason) => new(FileStatuses.Failed, reason, [], null, null);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Ignored blob {BlobName}: not a files upload path")]
        public static partial void Ignored(ILogger logger, string blobName);

        [LoggerMessage(21, LogLevel.Information, "Blob {BlobName} was deleted before it was processed")]
        public static partial void Gone(ILogger logger, string blobName);

        [LoggerMessage(22, LogLevel.Information, "Blob {BlobName} was replaced since the event; skipping the stale content")]
        public static partial void Stale(ILogger logger, string blobName);

        [LoggerMessage(23, LogLevel.Information, "Blob {BlobName} already processed ({Status}); re-delivery ignored")]
        public static partial void AlreadyDone(ILogger logger, string blobName, string status);

        [LoggerMessage(24, LogLevel.Information, "Blob {BlobName}: {Status} {Reason} ({Count} thumbnails, {ElapsedMs:F1} ms, imaging {ImagingMs:F1} ms)")]
        public static partial void Settled(ILogger logger, string blobName, string status, string reason, int count, double elapsedMs, double imagingMs);
    }
}
