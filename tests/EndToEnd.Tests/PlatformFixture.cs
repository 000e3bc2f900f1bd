using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;

namespace EndToEnd.Tests;

/// <summary>
/// The built app roots (artifacts/apps, from <c>./hit build</c>) running under the local Functions host behind the
/// gateway, against the stack <c>./hit test</c> started — the same path a request takes under <c>./hit run</c>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly List<LocalFunctionsHost> _hosts = [];

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public LocalFunctionsHost PingPong => _hosts.Single(h => h.AppName == "pingpong");

    public HttpClient Client { get; } = new();

    public static IReadOnlyDictionary<string, string?> Settings =>
        TestStack.AsEnvironment(TestStack.Settings(database: "hit-e2e").Append(new("Logging:LogLevel:Default", "Warning")));

    public async Task InitializeAsync()
    {
        var root = TestStack.AppRoot("PingPong");
        // PingPong's deployed setting (hit-module.yaml): the open demo lets anonymous callers pick a namespace by header.
        var settings = new Dictionary<string, string?>(Settings) { ["Hit__AnonymousNamespaceHeader"] = "true" };
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = root, AppName = "pingpong", Settings = settings });
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
}
