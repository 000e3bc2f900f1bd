using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos.Tests;

/// <summary>Documents keyed with <see cref="CosmosKeys"/> for one namespace are unreachable from another.</summary>
public sealed class TenantIsolationTests(CosmosFixture cosmos) : IClassFixture<CosmosFixture>
{
    private static CancellationToken Ct => Timeouts.Test;

    [Fact]
    public async Task SameIdInTwoNamespaces_AreIndependentDocuments()
    {
        var (a, b) = NewTenants();
        var noteA = new Note { Id = "shared-id", Pk = CosmosKeys.Pk(a, "note"), Ns = a, Text = "A" };
        var noteB = noteA with { Pk = CosmosKeys.Pk(b, "note"), Ns = b, Text = "B" };

        Assert.True((await cosmos.Container.TryCreateItemAsync(noteA, Ct)).Applied);
        Assert.True((await cosmos.Container.TryCreateItemAsync(noteB, Ct)).Applied);

        Assert.Equal("A", (await cosmos.Container.ReadItemOrDefaultAsync<Note>("shared-id", CosmosKeys.Pk(a, "note"), Ct))!.Text);
        Assert.Equal("B", (await cosmos.Container.ReadItemOrDefaultAsync<Note>("shared-id", CosmosKeys.Pk(b, "note"), Ct))!.Text);
    }

    [Fact]
    public async Task TenantB_CannotReadOrPatchTenantADocument()
    {
        var (a, b) = NewTenants();
        var pkA = CosmosKeys.Pk(a, "account", "acc");
        await cosmos.Container.TryCreateItemAsync(new Account { Id = "acc", Pk = pkA, Ns = a, Balance = 100 }, Ct);
        var pkAsSeenByB = CosmosKeys.Pk(b, "account", "acc");

        Assert.Null(await cosmos.Container.ReadItemOrDefaultAsync<Account>("acc", pkAsSeenByB, Ct));
        var patch = await cosmos.Container.PatchIfAsync<Account>("acc", pkAsSeenByB, null, [PatchOperation.Set("/balance", 0)], cancellationToken: Ct);

        Assert.Equal(WriteOutcome.NotFound, patch.Outcome);
        Assert.Equal(100, (await cosmos.Container.ReadItemOrDefaultAsync<Account>("acc", pkA, Ct))!.Balance);
    }

    [Fact]
    public async Task NamespaceLookalike_CannotAddressOtherTenantPartition()
    {
        // Tenant "x|note" trying to reach tenant "x"'s partition "x|note|p" by smuggling the separator.
        var victim = "t" + Guid.NewGuid().ToString("N")[..8];
        var pkVictim = CosmosKeys.Pk(victim, "note", "p");
        await cosmos.Container.TryCreateItemAsync(new Note { Id = "secret", Pk = pkVictim, Ns = victim, Text = "secret" }, Ct);

        var attackerPk = CosmosKeys.Pk(victim + "|note", "p");

        Assert.NotEqual(pkVictim, attackerPk);
        Assert.Null(await cosmos.Container.ReadItemOrDefaultAsync<Note>("secret", attackerPk, Ct));
    }

    [Fact]
    public async Task PagedQueryFilteredByNamespace_ReturnsOnlyOwnDocuments()
    {
        var (a, b) = NewTenants();
        for (var i = 0; i < 4; i++)
        {
            await cosmos.Container.TryCreateItemAsync(new Note { Id = $"a{i}", Pk = CosmosKeys.Pk(a, "note", $"{i}"), Ns = a, Text = "a" }, Ct);
            await cosmos.Container.TryCreateItemAsync(new Note { Id = $"b{i}", Pk = CosmosKeys.Pk(b, "note", $"{i}"), Ns = b, Text = "b" }, Ct);
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.ns = @ns").WithParameter("@ns", a);
        var page = await cosmos.Container.QueryPageAsync<Note>(query, pk: null, 100, null, Ct);

        Assert.Equal(4, page.Items.Count);
        Assert.All(page.Items, n => Assert.Equal(a, n.Ns));
        Assert.All(page.Items, n => Assert.True(CosmosKeys.BelongsTo(n.Pk, a)));
    }

    private static (string A, string B) NewTenants()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        return ("tenant-a-" + suffix, "tenant-b-" + suffix);
    }
}
