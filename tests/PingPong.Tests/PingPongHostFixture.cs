using Hit.LocalHost;
using Hit.Testing;

namespace PingPong.Tests;

/// <summary>
/// The built PingPong app root (artifacts/apps/PingPong, from <c>./hit build</c>) running under the local Functions
/// host — the worker process, the host's HTTP routes and proxying — against the stack <c>./hit test</c> started.
/// </summary>
public sealed class PingPongHostFixture : IAsyncLifetime
{
    private LocalFunctionsHost? _host;

    public HttpClient Client(string? ns = null)
    {
        var client = new HttpClient { BaseAddress = (_host ?? throw new InvalidOperationException("The host is not started.")).BaseAddress };
        if (ns is not null)
        {
            client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("PingPong"),
            AppName = "pingpong",
            Settings = TestStack.AsEnvironment(TestStack.Settings(database: "hit-tests")),
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
