using System.Net;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos;

/// <summary>Point reads and conditional writes with the outcomes apps branch on returned as values.</summary>
public static class ContainerExtensions
{
    /// <summary>Reads a document, or returns null when it does not exist (404).</summary>
    public static async Task<T?> ReadItemOrDefaultAsync<T>(this Container container, string id, string pk, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            var response = await container.ReadItemAsync<T>(id, new PartitionKey(pk), cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Resource;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates a document unless one with the same id exists in its partition (→ <see cref="WriteOutcome.Conflict"/>).</summary>
    public static async Task<WriteResult<T>> TryCreateItemAsync<T>(this Container container, T document, CancellationToken cancellationToken = default)
        where T : ICosmosDocument
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            var response = await container.CreateItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken).ConfigureAwait(false);
            return new(WriteOutcome.Applied, response.Resource);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return new(WriteOutcome.Conflict, default);
        }
    }

    /// <summary>
    /// Replaces a document only if it still has <paramref name="ifMatchEtag"/> (optimistic concurrency):
    /// a concurrent change gives <see cref="WriteOutcome.PreconditionFailed"/>.
    /// </summary>
    public static async Task<WriteResult<T>> ReplaceIfMatchAsync<T>(this Container container, T document, string ifMatchEtag, CancellationToken cancellationToken = default)
        where T : ICosmosDocument
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(ifMatchEtag);
        try
        {
            var response = await container.ReplaceItemAsync(
                document,
                document.Id,
                new PartitionKey(document.Pk),
                new ItemRequestOptions { IfMatchEtag = ifMatchEtag },
                cancellationToken).ConfigureAwait(false);
            return new(WriteOutcome.Applied, response.Resource);
        }
        catch (CosmosException ex) when (ToOutcome(ex.StatusCode) is { } outcome)
        {
            return new(outcome, default);
        }
    }

    /// <summary>
    /// Applies <paramref name="operations"/> atomically if the document matches
    /// <paramref name="filterPredicate"/> (e.g. <c>"FROM c WHERE c.balance >= 10"</c>) and, when given,
    /// still has <paramref name="ifMatchEtag"/>.
    /// </summary>
    public static async Task<WriteResult<T>> PatchIfAsync<T>(
        this Container container,
        string id,
        string pk,
        string? filterPredicate,
        IReadOnlyList<PatchOperation> operations,
        string? ifMatchEtag = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(operations);
        try
        {
            var response = await container.PatchItemAsync<T>(
                id,
                new PartitionKey(pk),
                operations,
                new PatchItemRequestOptions { FilterPredicate = filterPredicate, IfMatchEtag = ifMatchEtag },
                cancellationToken).ConfigureAwait(false);
            return new(WriteOutcome.Applied, response.Resource);
        }
        catch (CosmosException ex) when (ToOutcome(ex.StatusCode) is { } outcome)
        {
            return new(outcome, default);
        }
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the number at <paramref name="path"/> (e.g. <c>"/count"</c>) with a
    /// server-side Increment, creating the document from <paramref name="seed"/> when it does not exist.
    /// </summary>
    /// <remarks>
    /// No read-modify-write: the increment itself is always a patch, so concurrent callers never lose
    /// updates. The seed holds the initial state (the counter at its starting value, not yet incremented);
    /// when two callers race to create it, one create gets 409 and both then patch.
    /// </remarks>
    public static async Task<T> IncrementAsync<T>(
        this Container container,
        string id,
        string pk,
        string path,
        long delta,
        Func<T> seed,
        CancellationToken cancellationToken = default)
        where T : ICosmosDocument
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(seed);

        PatchOperation[] operations = [PatchOperation.Increment(path, delta)];
        var partitionKey = new PartitionKey(pk);

        // Three rounds cover patch → create → patch even if a concurrent delete lands in between once.
        const int MaxAttempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var patched = await container.PatchItemAsync<T>(id, partitionKey, operations, cancellationToken: cancellationToken).ConfigureAwait(false);
                return patched.Resource;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound && attempt < MaxAttempts)
            {
                var document = seed();
                if (document.Id != id || document.Pk != pk)
                {
                    throw new InvalidOperationException($"The seed document must have id '{id}' and pk '{pk}'.");
                }

                await container.TryCreateItemAsync(document, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static WriteOutcome? ToOutcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => WriteOutcome.NotFound,
        HttpStatusCode.PreconditionFailed => WriteOutcome.PreconditionFailed,
        HttpStatusCode.Conflict => WriteOutcome.Conflict,
        _ => null,
    };
}
