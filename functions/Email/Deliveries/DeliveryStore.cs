using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Email.Deliveries;

/// <summary>Delivery records. State changes are replaces under the record's ETag, so two consumers of duplicate messages cannot both claim a send.</summary>
internal sealed class DeliveryStore(HitContainer store, IOptions<EmailOptions> options)
{
    public async Task<DeliveryDocument?> FindAsync(string ns, string deliveryId, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return await container.ReadItemOrDefaultAsync<DeliveryDocument>(DeliveryDocument.IdFor(deliveryId), DeliveryDocument.PkFor(ns, deliveryId), cancellationToken);
    }

    /// <summary>Creates the record, or returns the one that exists under its id (a redelivered message).</summary>
    public async Task<DeliveryDocument> CreateOrGetAsync(DeliveryDocument document, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var created = await container.TryCreateItemAsync(WithTtl(document), cancellationToken);
        return created.Outcome == WriteOutcome.Applied ? created.Document!
            : await FindAsync(document.Ns, document.DeliveryId, cancellationToken) ?? throw new InvalidOperationException("The delivery record vanished after a conflict.");
    }

    public async Task<DeliveryDocument> CreateAsync(DeliveryDocument document, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return (await container.CreateItemAsync(WithTtl(document), new PartitionKey(document.Pk), cancellationToken: cancellationToken)).Resource;
    }

    /// <summary>The new state, or null when the record changed since <paramref name="etag"/> was read (someone else moved it on).</summary>
    public async Task<DeliveryDocument?> ReplaceAsync(DeliveryDocument document, string etag, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var result = await container.ReplaceIfMatchAsync(document with { ETag = null }, etag, cancellationToken);
        return result.Outcome == WriteOutcome.Applied ? result.Document : null;
    }

    public async Task DeleteAsync(DeliveryDocument document, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        await container.DeleteItemAsync<DeliveryDocument>(document.Id, new PartitionKey(document.Pk), cancellationToken: cancellationToken);
    }

    private DeliveryDocument WithTtl(DeliveryDocument document) => document with { Ttl = (int)options.Value.DeliveryRetention.TotalSeconds };
}
