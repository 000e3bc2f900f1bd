using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Linq;

namespace Hit.Platform.Cosmos.Tests;

/// <summary>
/// Queries the SDK plans through the gateway (ORDER BY, aggregates, cross-partition): these fail against
/// the bare package and pass only through the wrapper's query-plan shim.
/// </summary>
public sealed class QueryTests(CosmosFixture cosmos) : IClassFixture<CosmosFixture>
{
    private static CancellationToken Ct => Timeouts.Test;

    private async Task<(string Ns, string Pk)> SeedAsync(params int[] ranks)
    {
        var ns = "ns-" + Guid.NewGuid().ToString("N")[..8];
        var pk = CosmosKeys.Pk(ns, "note");
        foreach (var rank in ranks)
        {
            var note = new Note { Id = $"n{rank}", Pk = pk, Ns = ns, Text = $"t{rank}", Rank = rank };
            Assert.True((await cosmos.Container.TryCreateItemAsync(note, Ct)).Applied);
        }

        return (ns, pk);
    }

    private static async Task<List<T>> ReadAllAsync<T>(FeedIterator<T> iterator)
    {
        var results = new List<T>();
        using (iterator)
        {
            while (iterator.HasMoreResults)
            {
                results.AddRange(await iterator.ReadNextAsync(Ct));
            }
        }

        return results;
    }

    [Fact]
    public async Task OrderBy_SinglePartition_ReturnsSortedDescending()
    {
        var (_, pk) = await SeedAsync(5, 1, 4, 2, 3);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk ORDER BY c.rank DESC").WithParameter("@pk", pk);

        var notes = await ReadAllAsync(cosmos.Container.GetItemQueryIterator<Note>(query, requestOptions: new() { PartitionKey = new(pk) }));

        Assert.Equal([5, 4, 3, 2, 1], notes.Select(n => n.Rank));
    }

    [Fact]
    public async Task OrderBy_CrossPartitionWithSmallPages_ReturnsGloballySorted()
    {
        var ns = "ns-" + Guid.NewGuid().ToString("N")[..8];
        int[] ranks = [7, 3, 9, 1, 8, 2, 6, 4, 5];
        foreach (var rank in ranks)
        {
            // One partition per document: the SDK must treat this as a cross-partition ORDER BY.
            var note = new Note { Id = "n", Pk = CosmosKeys.Pk(ns, "note", rank.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ns = ns, Text = "x", Rank = rank };
            Assert.True((await cosmos.Container.TryCreateItemAsync(note, Ct)).Applied);
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.ns = @ns ORDER BY c.rank").WithParameter("@ns", ns);
        var notes = await ReadAllAsync(cosmos.Container.GetItemQueryIterator<Note>(query, requestOptions: new() { MaxItemCount = 2 }));

        Assert.Equal(Enumerable.Range(1, 9), notes.Select(n => n.Rank));
    }

    [Fact]
    public async Task Count_CrossPartitionAggregate_ReturnsTotal()
    {
        var (ns, _) = await SeedAsync(1, 2, 3, 4);
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.ns = @ns").WithParameter("@ns", ns);

        var counts = await ReadAllAsync(cosmos.Container.GetItemQueryIterator<long>(query));

        Assert.Equal([4L], counts);
    }

    [Fact]
    public async Task Linq_PropertyNamesFollowJsonAttributesAndNamingPolicy()
    {
        var (ns, pk) = await SeedAsync(10, 20, 30);

        var iterator = cosmos.Container.GetItemLinqQueryable<Note>(requestOptions: new() { PartitionKey = new(pk) })
            .Where(n => n.Pk == pk && n.Ns == ns && n.Rank >= 20)
            .OrderBy(n => n.Rank)
            .ToFeedIterator();
        var notes = await ReadAllAsync(iterator);

        Assert.Equal([20, 30], notes.Select(n => n.Rank));
    }
}
