using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Sdk;
using Hit.Sdk.Directory;

namespace Hit.Directory.Tests;

/// <summary>
/// The built app root (artifacts/apps/Directory, from <c>./hit build directory</c>) under the local Functions host behind
/// the gateway, against the test run's stack: the path a request takes under <c>./hit run</c>.
/// </summary>
public sealed class DirectoryHostFixture : IAsyncLifetime
{
    public const string Secret = "directory-e2e-secret-0123456789abcdef";

    // Development key of the local Cosmos server (it ignores auth; the SDK needs a base64 key to sign with).
    private const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private LocalFunctionsHost? _host;

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public HttpClient Client { get; } = new();

    public Uri DirectoryAddress => new(Gateway.BaseAddress, "directory/");

    public static string AppRoot => Path.Combine(
        Environment.GetEnvironmentVariable("HIT_APPS_DIR") ?? Path.Combine(RepositoryRoot(), "artifacts", "apps"), "Directory");

    public static IReadOnlyDictionary<string, string?> Settings(bool requireSignature = true) => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") ?? "UseDevelopmentStorage=true",
        ["Cosmos__Endpoint"] = Environment.GetEnvironmentVariable("HIT_COSMOS_ENDPOINT") ?? "http://127.0.0.1:8081/",
        ["Cosmos__Key"] = CosmosKey,
        ["Cosmos__Local"] = "true",
        ["Cosmos__CreateResources"] = "true",
        ["Cosmos__DatabaseName"] = "hit-e2e",
        ["Directory__Hmac__Secrets__0"] = Secret,
        ["Directory__RequireSignature"] = requireSignature ? "true" : "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(AppRoot, "host.json")))
        {
            throw new InvalidOperationException($"{AppRoot} is not built: run ./hit build directory (./hit test does it first).");
        }

        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = AppRoot, AppName = "directory", Settings = Settings() });
        await _host.StartAsync();
        Gateway.AddApp(_host);
        await Gateway.StartAsync();
        Client.BaseAddress = Gateway.BaseAddress;
    }

    public DirectoryClient Sdk(string ns, int version = 2) =>
        DirectoryClient.Create(new HitClientOptions { BaseAddress = DirectoryAddress, Namespace = ns, HmacSecret = Secret, SignatureVersion = version });

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    internal static string RepositoryRoot()
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
