using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos.Tests;

public sealed class PatchTests(CosmosFixture cosmos) : IClassFixture<CosmosFixture>
{
    private static CancellationToken Ct => Timeouts.Test;

    private static string NewNs() => "ns-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Increment_100ConcurrentOnNewDocument_EndsAtExactly100()
    {
        var ns = NewNs();
        var id = CosmosKeys.Id("hits");
        var pk = CosmosKeys.Pk(ns, "counter", "hits");
        Counter Seed() => new() { Id = id, Pk = pk, Ns = ns, Count = 0 };

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(() => cosmos.Container.IncrementAsync(id, pk, "/count", 1, Seed, Ct))));

        var stored = await cosmos.Container.ReadItemOrDefaultAsync<Counter>(id, pk, Ct);
        Assert.Equal(100, stored!.Count);
        // Each increment saw its own post-increment value: no two callers observed the same state.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Count).Order());

        // Exactly one document in the partition: racing creates collapsed into one.
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk").WithParameter("@pk", pk);
        using var iterator = cosmos.Container.GetItemQueryIterator<long>(query, requestOptions: new() { PartitionKey = new(pk) });
        Assert.Equal(1L, Assert.Single(await iterator.ReadNextAsync(Ct)));
    }

    [Fact]
    public async Task Increment_ExistingDocument_AddsDeltaIncludingNegative()
    {
        var ns = NewNs();
        var pk = CosmosKeys.Pk(ns, "counter", "c");
        Counter Seed() => new() { Id = "c", Pk = pk, Ns = ns, Count = 10 };

        var first = await cosmos.Container.IncrementAsync("c", pk, "/count", 5, Seed, Ct);
        var second = await cosmos.Container.IncrementAsync("c", pk, "/count", -3, Seed, Ct);

        Assert.Equal(15, first.Count);
        Assert.Equal(12, second.Count);
    }

    [Fact]
    public async Task Increment_SeedWithWrongKey_Throws()
    {
        var ns = NewNs();
        var pk = CosmosKeys.Pk(ns, "counter", "c");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cosmos.Container.IncrementAsync("c", pk, "/count", 1, () => new Counter { Id = "other", Pk = pk, Ns = ns }, Ct));
    }

    [Fact]
    public async Task PatchIf_PredicateFalse_ReturnsPreconditionFailedAndLeavesDocument()
    {
        var ns = NewNs();
        var account = new Account { Id = "a1", Pk = CosmosKeys.Pk(ns, "account", "a1"), Ns = ns, Balance = 5 };
        await cosmos.Container.TryCreateItemAsync(account, Ct);

        var result = await cosmos.Container.PatchIfAsync<Account>(
            account.Id, account.Pk, "FROM c WHERE c.balance >= 10", [PatchOperation.Increment("/balance", -10)], cancellationToken: Ct);

        Assert.Equal(WriteOutcome.PreconditionFailed, result.Outcome);
        Assert.Null(result.Document);
        Assert.Equal(5, (await cosmos.Container.ReadItemOrDefaultAsync<Account>(account.Id, account.Pk, Ct))!.Balance);
    }

    [Fact]
    public async Task PatchIf_PredicateTrue_AppliesAndReturnsDocument()
    {
        var ns = NewNs();
        var account = new Account { Id = "a1", Pk = CosmosKeys.Pk(ns, "account", "a1"), Ns = ns, Balance = 25 };
        await cosmos.Container.TryCreateItemAsync(account, Ct);

        var result = await cosmos.Container.PatchIfAsync<Account>(
            account.Id, account.Pk, "FROM c WHERE c.balance >= 10", [PatchOperation.Increment("/balance", -10)], cancellationToken: Ct);

        Assert.Equal(WriteOutcome.Applied, result.Outcome);
        Assert.Equal(15, result.Document!.Balance);
    }

    [Fact]
    public async Task PatchIf_MissingDocument_ReturnsNotFound()
    {
        var result = await cosmos.Container.PatchIfAsync<Account>(
            "none", CosmosKeys.Pk(NewNs(), "account", "none"), "FROM c WHERE c.balance >= 10", [PatchOperation.Increment("/balance", -10)], cancellationToken: Ct);

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task PatchIf_StaleEtag_ReturnsPreconditionFailed()
    {
        var ns = NewNs();
        var account = new Account { Id = "a1", Pk = CosmosKeys.Pk(ns, "account", "a1"), Ns = ns, Balance = 25 };
        var created = (await cosmos.Container.TryCreateItemAsync(account, Ct)).Document!;
        await cosmos.Container.PatchIfAsync<Account>(account.Id, account.Pk, null, [PatchOperation.Set("/balance", 30)], cancellationToken: Ct);

        var result = await cosmos.Container.PatchIfAsync<Account>(
            account.Id, account.Pk, null, [PatchOperation.Set("/balance", 0)], created.ETag, Ct);

        Assert.Equal(WriteOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(30, (await cosmos.Container.ReadItemOrDefaultAsync<Account>(account.Id, account.Pk, Ct))!.Balance);
    }
}
