using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Sdk;
using Hit.Sdk.Directory;
using Hit.Testing;

namespace Hit.Directory.Tests;

/// <summary>
/// The built app root (artifacts/apps/Directory, from <c>./hit build directory</c>) under the local Functions host behind
/// the gateway, against the test run's stack: the path a request takes under <c>./hit run</c>.
/// </summary>
public sealed class DirectoryHostFixture : IAsyncLifetime
{
    public const string Secret = "directory-e2e-secret-0123456789abcdef";

    private LocalFunctionsHost? _host;

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public HttpClient Client { get; } = new();

    public Uri DirectoryAddress => new(Gateway.BaseAddress, "directory/");

    public static string AppRoot => TestStack.AppRoot("Directory");

    public static IReadOnlyDictionary<string, string?> Settings(bool requireSignature = true) =>
        new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-e2e")))
        {
            ["Directory__Hmac__Secrets__0"] = Secret,
            ["Directory__RequireSignature"] = requireSignature ? "true" : "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };

    public async Task InitializeAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = AppRoot, AppName = "directory", Settings = Settings() });
        await _host.StartAsync();
        Gateway.AddApp(_host);
        await Gateway.StartAsync();
        Client.BaseAddress = Gateway.BaseAddress;
    }

    /// <summary>A client that sends raw bodies through the gateway, signed as the SDK signs them.</summary>
    public HttpClient SignedClient(string ns, int version = 2) => DirectoryFactory.Signed(DirectoryAddress, ns, Secret, version);

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
}
