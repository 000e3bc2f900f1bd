using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Hit.Platform.Storage.Core;

namespace Hit.Platform.Storage;

/// <summary>A block blob. Cheap to create; thread-safe.</summary>
public sealed class BlobClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobClient(StoragePipeline pipeline, BlobContainerClient container, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _pipeline = pipeline;
        Name = name;
        ContainerName = container.Name;
        Uri = new Uri(container.Uri.AbsoluteUri + "/" + EscapePath(name));
    }

    /// <summary>The blob name, unescaped (may contain '/').</summary>
    public string Name { get; }

    public string ContainerName { get; }

    /// <summary>The blob address; each path segment is percent-encoded, '/' separators are kept.</summary>
    public Uri Uri { get; }

    /// <summary>Percent-encodes every character of each segment except RFC 3986 unreserved ones, keeping '/'.</summary>
    internal static string EscapePath(string name) =>
        string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Uploads <paramref name="content"/> from its current position. Up to the single-upload threshold it is one
    /// Put Blob; beyond it, Put Block per block (bounded memory, several in flight) and a final Put Block List that
    /// carries the content type, metadata and conditions, so the blob appears atomically.
    /// </summary>
    public async Task<BlobContentInfo> UploadAsync(Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        var threshold = options.SingleUploadThreshold ?? _pipeline.Options.SingleUploadThreshold;
        var blockSize = options.BlockSize ?? _pipeline.Options.BlockSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);

        if (content.CanSeek)
        {
            if (content.Length - content.Position <= threshold)
            {
                // A seekable stream is sent as is: Azure.Core rewinds it for retries, nothing is copied.
                return await PutBlobAsync(RequestContent.Create(new LeaveOpenStream(content)), options, cancellationToken).ConfigureAwait(false);
            }

            return await UploadBlocksAsync(ReadOnlyMemory<byte>.Empty, content, blockSize, options, cancellationToken).ConfigureAwait(false);
        }

        // Unknown length: read at most threshold + 1 bytes to decide. That prefix (bounded by the threshold, never
        // the whole stream) becomes either the single Put Blob body or the first blocks.
        var prefetchSize = (int)Math.Min(threshold + 1, Array.MaxLength);
        var prefetch = ArrayPool<byte>.Shared.Rent(prefetchSize);
        try
        {
            var read = await content.ReadAtLeastAsync(prefetch.AsMemory(0, prefetchSize), prefetchSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read <= threshold)
            {
                return await PutBlobAsync(RequestContent.Create(prefetch.AsMemory(0, read)), options, cancellationToken).ConfigureAwait(false);
            }

            return await UploadBlocksAsync(prefetch.AsMemory(0, read), content, blockSize, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(prefetch);
        }
    }

    public Task<BlobContentInfo> UploadAsync(BinaryData content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return UploadAsync(content.ToStream(), options, cancellationToken);
    }

    private async Task<BlobContentInfo> PutBlobAsync(RequestContent body, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Put, Uri);
        var request = message.Request;
        request.Content = body;
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        AddBlobHttpHeaders(request, options);
        var response = await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        return ContentInfo(response);
    }

    private async Task<BlobContentInfo> UploadBlocksAsync(
        ReadOnlyMemory<byte> prefix, Stream rest, int blockSize, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        // Block ids must all have the same length; a per-upload random part keeps two concurrent uploads of the
        // same blob from committing each other's uncommitted blocks.
        var uploadId = Guid.NewGuid().ToString("N");
        var blockIds = new List<string>();
        var inflight = new List<Task>();
        var maxConcurrency = _pipeline.Options.MaxUploadConcurrency;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var completed = false;
        try
        {
            var endOfStream = false;
            while (!endOfStream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                var handedOff = false;
                try
                {
                    var length = await FillAsync(buffer.AsMemory(0, blockSize), ref prefix, rest, cts.Token).ConfigureAwait(false);
                    endOfStream = length < blockSize;
                    if (length > 0)
                    {
                        var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{uploadId}-{blockIds.Count:D6}")));
                        blockIds.Add(blockId);
                        inflight.Add(PutBlockAsync(blockId, buffer, length, cts.Token));
                        handedOff = true;
                    }
                }
                finally
                {
                    // Once handed to PutBlockAsync the buffer is returned there, after the last retry.
                    if (!handedOff)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                if (inflight.Count >= maxConcurrency)
                {
                    var finished = await Task.WhenAny(inflight).ConfigureAwait(false);
                    inflight.Remove(finished);
                    await finished.ConfigureAwait(false);
                }
            }

            await Task.WhenAll(inflight).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // Stop the remaining blocks and let them return their buffers before the failure propagates.
                await cts.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(inflight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        return await PutBlockListAsync(blockIds, options, cancellationToken).ConfigureAwait(false);
    }

    // Fills destination from the prefetched prefix first, then from the stream; returns bytes written
    // (less than destination.Length only at end of stream).
    private static ValueTask<int> FillAsync(Memory<byte> destination, ref ReadOnlyMemory<byte> prefix, Stream rest, CancellationToken cancellationToken)
    {
        var fromPrefix = Math.Min(prefix.Length, destination.Length);
        prefix[..fromPrefix].CopyTo(destination);
        prefix = prefix[fromPrefix..];
        return fromPrefix == destination.Length
            ? ValueTask.FromResult(fromPrefix)
            : ReadRestAsync(destination, fromPrefix, rest, cancellationToken);

        static async ValueTask<int> ReadRestAsync(Memory<byte> destination, int offset, Stream rest, CancellationToken cancellationToken)
        {
            var target = destination[offset..];
            var read = await rest.ReadAtLeastAsync(target, target.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return offset + read;
        }
    }

    private async Task PutBlockAsync(string blockId, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            using var message = _pipeline.CreateMessage(RequestMethod.Put, Uri);
            message.Request.Uri.AppendQuery("comp", "block");
            message.Request.Uri.AppendQuery("blockid", blockId);
            message.Request.Content = RequestContent.Create(buffer.AsMemory(0, length));
            await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<BlobContentInfo> PutBlockListAsync(List<string> blockIds, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var list = new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id)));
        var body = Encoding.UTF8.GetBytes(new XDocument(new XDeclaration("1.0", "utf-8", null), list).Declaration + list.ToString(SaveOptions.DisableFormatting));

        using var message = _pipeline.CreateMessage(RequestMethod.Put, Uri);
        var request = message.Request;
        request.Uri.AppendQuery("comp", "blocklist");
        request.Content = RequestContent.Create(body);
        request.Headers.SetValue("Content-Type", "application/xml");
        AddBlobHttpHeaders(request, options);
        var response = await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        return ContentInfo(response);
    }

    private static void AddBlobHttpHeaders(Request request, BlobUploadOptions options)
    {
        if (!string.IsNullOrEmpty(options.ContentType))
        {
            request.Headers.SetValue("x-ms-blob-content-type", options.ContentType);
        }

        StorageHeaders.AddMetadata(request, options.Metadata);
        StorageHeaders.AddConditions(request, options.Conditions);
    }

    /// <summary>
    /// Get Blob without buffering: the returned <see cref="BlobDownloadStreamingResult.Content"/> reads from the
    /// network. The caller must dispose it. A failure mid-stream surfaces as an IOException (no automatic resume).
    /// </summary>
    public async Task<BlobDownloadStreamingResult> DownloadStreamingAsync(BlobDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateDownloadMessage(options);
        message.BufferResponse = false;
        var response = await _pipeline.SendAsync(message, cancellationToken, 200, 206).ConfigureAwait(false);
        var details = DownloadDetails(response);
        var stream = message.ExtractResponseContent() ?? Stream.Null;
        return new BlobDownloadStreamingResult(stream, details);
    }

    /// <summary>Get Blob into memory; for small blobs.</summary>
    public async Task<BlobDownloadResult> DownloadContentAsync(BlobDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateDownloadMessage(options);
        var response = await _pipeline.SendAsync(message, cancellationToken, 200, 206).ConfigureAwait(false);
        return new BlobDownloadResult(response.Content, DownloadDetails(response));
    }

    private HttpMessage CreateDownloadMessage(BlobDownloadOptions? options)
    {
        var message = _pipeline.CreateMessage(RequestMethod.Get, Uri);
        if (options is not null)
        {
            if (!options.Range.Equals(default(HttpRange)))
            {
                message.Request.Headers.SetValue("x-ms-range", options.Range.ToString());
            }

            StorageHeaders.AddConditions(message.Request, options.Conditions);
        }

        return message;
    }

    public async Task<BlobProperties> GetPropertiesAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Head, Uri);
        StorageHeaders.AddConditions(message.Request, conditions);
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        return new BlobProperties(
            StorageHeaders.Optional(response, "Content-Type"),
            StorageHeaders.LongOf(response, "Content-Length"),
            StorageHeaders.ETagOf(response),
            StorageHeaders.RequiredDate(response, "Last-Modified"),
            StorageHeaders.OptionalDate(response, "x-ms-creation-time"),
            StorageHeaders.MetadataOf(response));
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Head, Uri);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Deletes the blob; throws 404 <c>BlobNotFound</c> when it does not exist.</summary>
    public async Task DeleteAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, Uri);
        StorageHeaders.AddConditions(message.Request, conditions);
        await _pipeline.SendAsync(message, cancellationToken, 202).ConfigureAwait(false);
    }

    /// <summary>Deletes the blob; returns false when it (or its container) did not exist. Only 404 is swallowed.</summary>
    public async Task<bool> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteAsync(conditions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Replaces all user metadata.</summary>
    public async Task<BlobContentInfo> SetMetadataAsync(IDictionary<string, string> metadata, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var message = _pipeline.CreateMessage(RequestMethod.Put, Uri);
        message.Request.Uri.AppendQuery("comp", "metadata");
        StorageHeaders.AddMetadata(message.Request, metadata);
        StorageHeaders.AddConditions(message.Request, conditions);
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        return ContentInfo(response);
    }

    /// <summary>A service SAS URL for this blob, signed with the account key (shared-key connections only).</summary>
    public Uri GenerateSasUri(BlobSasPermissions permissions, DateTimeOffset expiresOn)
    {
        var connection = _pipeline.Connection;
        if (!connection.HasSharedKey)
        {
            throw new InvalidOperationException("A service SAS needs the account key; use GenerateUserDelegationSasUri with an identity-based connection.");
        }

        var sas = SasBuilder.ServiceSas(connection.AccountName, connection.AccountKey, ContainerName, Name, permissions, expiresOn, SasProtocol());
        return new Uri(Uri.AbsoluteUri + "?" + sas);
    }

    /// <summary>A user delegation SAS URL for this blob, signed with a key from <see cref="BlobServiceClient.GetUserDelegationKeyAsync"/>.</summary>
    public Uri GenerateUserDelegationSasUri(UserDelegationKey key, BlobSasPermissions permissions, DateTimeOffset expiresOn)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sas = SasBuilder.UserDelegationSas(_pipeline.Connection.AccountName, key, ContainerName, Name, permissions, expiresOn, SasProtocol());
        return new Uri(Uri.AbsoluteUri + "?" + sas);
    }

    // Pin HTTPS-only when the account is reached over HTTPS; the emulator speaks plain HTTP.
    private string? SasProtocol() => Uri.Scheme == Uri.UriSchemeHttps ? "https" : null;

    private static BlobContentInfo ContentInfo(Response response) =>
        new(StorageHeaders.ETagOf(response), StorageHeaders.RequiredDate(response, "Last-Modified"));

    private static BlobDownloadDetails DownloadDetails(Response response)
    {
        var contentRange = StorageHeaders.Optional(response, "Content-Range");
        var length = StorageHeaders.LongOf(response, "Content-Length");
        var blobLength = length;

        // "bytes 0-99/1234": the total blob size follows the slash.
        if (contentRange is not null)
        {
            var slash = contentRange.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                blobLength = total;
            }
        }

        return new BlobDownloadDetails(
            StorageHeaders.Optional(response, "Content-Type"),
            length,
            StorageHeaders.ETagOf(response),
            StorageHeaders.RequiredDate(response, "Last-Modified"),
            StorageHeaders.OptionalDate(response, "x-ms-creation-time"),
            StorageHeaders.MetadataOf(response),
            contentRange,
            blobLength);
    }
}
