using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Hit.Files.Storage;

/// <summary>
/// Blob clients for the app's containers, creating each container once per process on first use. In Azure the
/// containers come from Bicep and the create is a cheap 409; on Azurite nothing else creates them.
/// </summary>
internal sealed class BlobContainers(BlobServiceClient blobs)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    public async Task<BlobClient> BlobAsync(string container, string blobName, CancellationToken cancellationToken) =>
        (await GetAsync(container, cancellationToken)).GetBlobClient(blobName);

    /// <summary>The container, created first if this process has not done so yet.</summary>
    public async Task<BlobContainerClient> GetAsync(string container, CancellationToken cancellationToken)
    {
        var client = blobs.GetBlobContainerClient(container);
        var creation = _created.GetOrAdd(container, _ => new Lazy<Task>(() => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed create is not cached: the next request tries again.
            _created.TryRemove(container, out _);
            throw;
        }

        return client;
    }

    public BlobContainerClient Container(string container) => blobs.GetBlobContainerClient(container);

    /// <summary>
    /// Removes a file's blobs: its thumbnails, then the original. Idempotent, so a retry finishes a half-done removal.
    /// </summary>
    public async Task DeleteFileBlobsAsync(string ns, string bucket, string fileId, string originalBlobName, CancellationToken cancellationToken)
    {
        var thumbnails = await GetAsync(BlobLayout.ThumbnailsContainer, cancellationToken);
        await foreach (var item in thumbnails.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: BlobLayout.ThumbnailPrefix(ns, bucket, fileId), cancellationToken: cancellationToken))
        {
            await thumbnails.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        await Container(BlobLayout.UploadsContainer).GetBlobClient(originalBlobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }
}
