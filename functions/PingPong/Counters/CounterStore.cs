using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.PingPong.Counters;

/// <summary>Counter persistence. Every write is a single-document operation, so no update can be lost.</summary>
internal sealed class CounterStore(HitContainer counters)
{
    public async Task<long> GetAsync(string ns, string counterId, CancellationToken cancellationToken)
    {
        var container = await counters.GetContainerAsync(cancellationToken);
        var document = await container.ReadItemOrDefaultAsync<CounterDocument>(CounterKeys.Id(counterId), CounterKeys.Pk(ns, counterId), cancellationToken);
        return document?.Value ?? 0;
    }

    /// <summary>
    /// A server-side patch <c>Increment</c>: no read-modify-write, so concurrent increments all land. A counter that
    /// does not exist yet is created at 0 first (create-if-absent, then patch again).
    /// </summary>
    public async Task<long> IncrementAsync(string ns, string counterId, long by, CancellationToken cancellationToken)
    {
        var container = await counters.GetContainerAsync(cancellationToken);
        var document = await container.IncrementAsync(CounterKeys.Id(counterId), CounterKeys.Pk(ns, counterId), "/value", by,
            () => CounterDocument.Empty(ns, counterId), cancellationToken);
        return document.Value;
    }

    /// <summary>Reset is an upsert of the zero state: it wins over increments ordered before it, and later ones count from 0.</summary>
    public async Task ResetAsync(string ns, string counterId, CancellationToken cancellationToken)
    {
        var container = await counters.GetContainerAsync(cancellationToken);
        var document = CounterDocument.Empty(ns, counterId);
        await container.UpsertItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken);
    }
}
