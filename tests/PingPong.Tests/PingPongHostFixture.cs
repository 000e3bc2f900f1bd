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

    /// <summary>Issues the access tokens this host trusts, so tests can call it as a user of a namespace.</summary>
    public TestTokenIssuer Issuer { get; private set; } = null!;

    public HttpClient Client(string? ns = null)
    {
        var client = new HttpClient { BaseAddress = (_host ?? throw new InvalidOperationException("The host is not started.")).BaseAddress };
        if (ns is not null)
        {
            client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        }

        return client;
    }

    /// <summary>A client carrying an access token of <paramref name="userId"/> in <paramref name="tokenNamespace"/> (and the header, if given).</summary>
    public HttpClient UserClient(string tokenNamespace, string userId, string? header = null)
    {
        var client = Client(header);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Issuer.Token(tokenNamespace, userId));
        return client;
    }

    public async Task InitializeAsync()
    {
        Issuer = await TestTokenIssuer.StartAsync();
        var settings = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-tests")))
        {
            // The deployed demo's setting (hit-module.yaml): anonymous callers may pick a namespace by header.
            ["Hit__AnonymousNamespaceHeader"] = "true",
        };
        foreach (var (key, value) in Issuer.Settings)
        {
            settings[key] = value;
        }

        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("PingPong"),
            AppName = "pingpong",
            Settings = settings,
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (Issuer is not null)
        {
            await Issuer.DisposeAsync();
        }
    }
}
