using Hit.Platform.Cosmos;

namespace Hit.Files.Storage;

/// <summary>
/// File documents. The upload endpoints and the thumbnail trigger both change a file, possibly at the same moment
/// (a trigger can fire before <c>complete</c> is called), so every change is a read-modify-replace guarded by the
/// document's ETag and retried on conflict: neither writer loses the other's fields.
/// </summary>
internal sealed class FileStore(HitContainer files)
{
    private const int MaxConflictRetries = 10;

    public async Task<FileDocument?> GetAsync(string ns, string fileId, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        return await container.ReadItemOrDefaultAsync<FileDocument>(FileDocument.IdFor(fileId), FileDocument.PkFor(ns, fileId), cancellationToken);
    }

    /// <summary>Creates the document; false when one with this id exists already.</summary>
    public async Task<bool> TryCreateAsync(FileDocument document, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        var result = await container.TryCreateItemAsync(document, cancellationToken);
        return result.Applied;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current document until it lands without a concurrent write in between.
    /// <paramref name="change"/> returns null to leave the document alone. When the document does not exist,
    /// <paramref name="create"/> (if given) supplies one; a create that loses a race is retried as an update.
    /// </summary>
    public async Task<FileDocument?> UpdateAsync(string ns, string fileId, Func<FileDocument, FileDocument?> change,
        Func<FileDocument>? create, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var current = await container.ReadItemOrDefaultAsync<FileDocument>(FileDocument.IdFor(fileId), FileDocument.PkFor(ns, fileId), cancellationToken);
            if (current is null)
            {
                if (create is null)
                {
                    return null;
                }

                var created = await container.TryCreateItemAsync(create(), cancellationToken);
                if (created.Applied)
                {
                    return created.Document;
                }

                continue;
            }

            var next = change(current);
            if (next is null)
            {
                return current;
            }

            var replaced = await container.ReplaceIfMatchAsync(next with { ETag = null }, current.ETag!, cancellationToken);
            if (replaced.Applied)
            {
                return replaced.Document;
            }

            if (replaced.Outcome == WriteOutcome.NotFound && create is null)
            {
                return null;
            }
        }

        throw new InvalidOperationException($"File {fileId}: gave up after {MaxConflictRetries} concurrent-write conflicts.");
    }

    public async Task DeleteAsync(string ns, string fileId, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        try
        {
            await container.DeleteItemAsync<FileDocument>(FileDocument.IdFor(fileId), new Microsoft.Azure.Cosmos.PartitionKey(FileDocument.PkFor(ns, fileId)),
                cancellationToken: cancellationToken);
        }
        catch (Microsoft.Azure.Cosmos.CosmosException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone: delete is idempotent.
        }
    }
}
