using Hit.LocalHost;
using Hit.LocalHost.Gateway;

namespace EndToEnd.Tests;

/// <summary>
/// The built app roots (artifacts/apps, from <c>./hit build</c>) running under the local Functions host behind the
/// gateway, against the stack <c>./hit test</c> started — the same path a request takes under <c>./hit run</c>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    // Development key of the local Cosmos server (it ignores auth; the SDK needs a base64 key to sign with).
    private const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private readonly List<LocalFunctionsHost> _hosts = [];

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public LocalFunctionsHost PingPong => _hosts.Single(h => h.AppName == "pingpong");

    public HttpClient Client { get; } = new();

    public static string AppsDirectory =>
        Environment.GetEnvironmentVariable("HIT_APPS_DIR") ?? Path.Combine(RepositoryRoot(), "artifacts", "apps");

    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") ?? "UseDevelopmentStorage=true",
        ["Cosmos__Endpoint"] = Environment.GetEnvironmentVariable("HIT_COSMOS_ENDPOINT") ?? "http://127.0.0.1:8081/",
        ["Cosmos__Key"] = CosmosKey,
        ["Cosmos__Local"] = "true",
        ["Cosmos__CreateResources"] = "true",
        ["Cosmos__DatabaseName"] = "hit-e2e",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public async Task InitializeAsync()
    {
        var root = Path.Combine(AppsDirectory, "PingPong");
        if (!File.Exists(Path.Combine(root, "host.json")))
        {
            throw new InvalidOperationException($"{root} is not built: run ./hit build (./hit test does it first).");
        }

        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = root, AppName = "pingpong", Settings = Settings });
        _hosts.Add(host);
        await host.StartAsync();
        Gateway.AddApp(host);
        await Gateway.StartAsync();
        Client.BaseAddress = Gateway.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HitPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HitPlatform.sln not found above the test assembly.");
    }
}
