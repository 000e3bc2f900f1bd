using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Cosmos.Tests;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => Timeouts.Test;

    private static string NewDatabase() => "hit-tests-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AddHitCosmosContainer_TwoContainers_KeyedAndFirstIsDefault()
    {
        var database = NewDatabase();
        await using var services = CosmosFixture.BuildServices(CosmosFixture.LocalSettings(database), s => s
            .AddHitCosmosContainer("alpha")
            .AddHitCosmosContainer("beta", defaultTtl: 3600));
        try
        {
            var alpha = services.GetRequiredKeyedService<HitContainer>("alpha");
            var beta = services.GetRequiredKeyedService<HitContainer>("beta");

            Assert.Same(alpha, services.GetRequiredService<HitContainer>());
            Assert.Equal(("alpha", "beta"), (alpha.Name, beta.Name));

            var container = await beta.GetContainerAsync(Ct);
            var properties = (await container.ReadContainerAsync(cancellationToken: Ct)).Resource;
            Assert.Equal(HitContainer.PartitionKeyPath, properties.PartitionKeyPath);
            Assert.Equal(3600, properties.DefaultTimeToLive);
        }
        finally
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(database).DeleteAsync(cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task GetContainerAsync_ConcurrentFirstUse_CreatesOnceAndAllSucceed()
    {
        var database = NewDatabase();
        await using var services = CosmosFixture.BuildServices(CosmosFixture.LocalSettings(database), s => s.AddHitCosmosContainer("items"));
        try
        {
            var hit = services.GetRequiredService<HitContainer>();

            var containers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => hit.GetContainerAsync(Ct).AsTask()));

            Assert.All(containers, c => Assert.Same(hit.Container, c));
            var names = new List<string>();
            using var iterator = services.GetRequiredService<CosmosClient>().GetDatabase(database).GetContainerQueryIterator<ContainerProperties>();
            while (iterator.HasMoreResults)
            {
                names.AddRange((await iterator.ReadNextAsync(Ct)).Select(p => p.Id));
            }

            Assert.Equal(["items"], names);
        }
        finally
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(database).DeleteAsync(cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task AddHitCosmos_JsonConfiguredAfterContainer_UsesAppContextFirst()
    {
        var database = NewDatabase();
        await using var services = CosmosFixture.BuildServices(CosmosFixture.LocalSettings(database), s => s
            .AddHitCosmosContainer("items")
            .AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, TestJsonContext.Default)));
        try
        {
            var client = services.GetRequiredService<CosmosClient>();
            var serializer = Assert.IsType<SystemTextJsonCosmosSerializer>(client.ClientOptions.Serializer);
            Assert.Same(TestJsonContext.Default, serializer.Options.TypeInfoResolverChain[0]);

            var container = await services.GetRequiredService<HitContainer>().GetContainerAsync(Ct);
            var note = new Note { Id = "n", Pk = CosmosKeys.Pk("ns", "note"), Ns = "ns", Text = "via context", Rank = 1 };
            await container.CreateItemAsync(note, new PartitionKey(note.Pk), cancellationToken: Ct);

            Assert.Equal("via context", (await container.ReadItemOrDefaultAsync<Note>("n", note.Pk, Ct))!.Text);
        }
        finally
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(database).DeleteAsync(cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task HealthCheck_ServerUpAndContainersCreatable_IsHealthy()
    {
        var database = NewDatabase();
        await using var services = CosmosFixture.BuildServices(CosmosFixture.LocalSettings(database), s =>
        {
            s.AddHitCosmosContainer("items");
            s.AddHealthChecks().AddHitCosmosCheck();
        });
        try
        {
            var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);

            Assert.Equal(HealthStatus.Healthy, report.Status);
            Assert.Contains("cosmos", report.Entries.Keys);
        }
        finally
        {
            await services.GetRequiredService<CosmosClient>().GetDatabase(database).DeleteAsync(cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task HealthCheck_ContainerMissingAndNotCreating_IsUnhealthy()
    {
        var settings = CosmosFixture.LocalSettings(NewDatabase());
        settings["Cosmos:CreateResources"] = "false";
        await using var services = CosmosFixture.BuildServices(settings, s =>
        {
            s.AddHitCosmosContainer("items");
            s.AddHealthChecks().AddHitCosmosCheck();
        });

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        // The 404 proves the server answered: an unreachable server must fail this test, not satisfy it.
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("Cosmos container 'items' is not readable (404).", report.Entries["cosmos"].Description);
    }

    [Fact]
    public void AddHitCosmosContainer_SameNameTwice_IsIdempotentButConflictingTtlThrows()
    {
        var services = new ServiceCollection().AddHitCosmosContainer("items", 60).AddHitCosmosContainer("items", 60);

        Assert.Single(services, d => d.ServiceType == typeof(HitContainer) && Equals(d.ServiceKey, "items"));
        Assert.Throws<InvalidOperationException>(() => services.AddHitCosmosContainer("items", defaultTtl: null));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void AddHitCosmosContainer_InvalidTtl_Throws(int ttl)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddHitCosmosContainer("items", ttl));
    }
}
