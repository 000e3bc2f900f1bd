using Hit.Platform.Cosmos;
using Hit.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Cosmos.Tests;

/// <summary>
/// Connects to the local server named by HIT_COSMOS_ENDPOINT through the same DI registration apps use,
/// in a database owned by this test run so reruns against a reused server never see old data.
/// </summary>
public sealed class CosmosFixture : IAsyncLifetime
{
    internal const string LocalKey = TestStack.CosmosKey;

    public static string Endpoint => TestStack.CosmosEndpoint;

    public string DatabaseName { get; } = "hit-tests-" + Guid.NewGuid().ToString("N")[..12];

    public ServiceProvider Services { get; private set; } = null!;

    public HitContainer Items { get; private set; } = null!;

    public Container Container { get; private set; } = null!;

    public CosmosClient Client => Services.GetRequiredService<CosmosClient>();

    public static Dictionary<string, string?> LocalSettings(string database) => new(TestStack.Settings(database))
    {
        ["Cosmos:AcceptAnyServerCertificate"] = "true",
    };

    public static ServiceProvider BuildServices(Dictionary<string, string?> settings, Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public async Task InitializeAsync()
    {
        await EnsureReachableAsync();
        Services = BuildServices(LocalSettings(DatabaseName), s => s.AddHitCosmosContainer("items"));
        _ = Services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        Items = Services.GetRequiredService<HitContainer>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Container = await Items.GetContainerAsync(cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (Services is null)
        {
            return;
        }

        try
        {
            await Client.GetDatabase(DatabaseName).DeleteAsync();
        }
        finally
        {
            await Services.DisposeAsync();
        }
    }

    // Without this probe an absent server shows up as the SDK's long retry loop; with it every test
    // fails fast with a message that says what to start.
    private static async Task EnsureReachableAsync()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = static (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(Endpoint));
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The local Cosmos server is not reachable at {Endpoint} (HIT_COSMOS_ENDPOINT). " +
                "Start it with: node tools/cosmos-server/server.js --host 127.0.0.1 --port 8081 --no-ssl", ex);
        }
    }
}
