using System.Diagnostics;
using System.Text.Json.Nodes;
using Hit.Testing;

namespace Auth.Tests;

/// <summary>
/// The auth app configured with two providers (google, microsoft) that both point at the local OIDC provider;
/// <paramref name="more"/> adds or overrides settings (a short code lifetime, for instance).
/// </summary>
public sealed class OAuthFactory(string issuer, IReadOnlyDictionary<string, string?>? more = null) : AuthFactory(Merge(new Dictionary<string, string?>
{
    ["Auth:OAuth:CallbackBaseUrl"] = "http://localhost/",
    ["Auth:OAuth:SecureCookie"] = "false",
    ["Auth:OAuth:RedirectAllowList:0"] = "https://app.example/after-login",
    ["Auth:OAuth:RedirectAllowList:1"] = "http://localhost:3000/callback",
    ["Auth:OAuth:Providers:google:Authority"] = issuer,
    ["Auth:OAuth:Providers:google:ClientId"] = "hit-google-client",
    ["Auth:OAuth:Providers:google:ClientSecret"] = "google-secret",
    ["Auth:OAuth:Providers:google:RequireHttpsMetadata"] = "false",
    ["Auth:OAuth:Providers:microsoft:Authority"] = issuer,
    ["Auth:OAuth:Providers:microsoft:ClientId"] = "hit-entra-client",
    ["Auth:OAuth:Providers:microsoft:ClientSecret"] = "entra-secret",
    ["Auth:OAuth:Providers:microsoft:RequireHttpsMetadata"] = "false",
}, more))
{
    private static Dictionary<string, string?> Merge(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?>? more)
    {
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>
/// <c>tests/Auth.Tests/oidc/provider.mjs</c> (oauth2-mock-server from the repository's node_modules) on a free
/// loopback port. Fails (never skips) when node or the package is missing.
/// </summary>
public sealed class OidcProviderProcess : IAsyncDisposable
{
    private readonly Process _node;

    private OidcProviderProcess(Process node, string issuer)
    {
        _node = node;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OidcProviderProcess> StartAsync()
    {
        var root = TestStack.RepositoryRoot;
        var script = Path.Combine(root, "tests", "Auth.Tests", "oidc", "provider.mjs");
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await node.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            var error = await node.StandardError.ReadToEndAsync(timeout.Token);
            node.Dispose();
            throw new InvalidOperationException("The OIDC provider exited: " + error
                + " (run `npm ci` in the repository root; oauth2-mock-server is a dev dependency).");
        }

        return new OidcProviderProcess(node, (string)JsonNode.Parse(line)!["issuer"]!);
    }

    public ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            // Closing stdin asks the script to stop; a hung one is killed.
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000))
            {
                _node.Kill(entireProcessTree: true);
            }
        }

        _node.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The local OIDC provider and the auth app (under the local host) pointed at it.</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    private OidcProviderProcess? _provider;

    public string Issuer => _provider!.Issuer;

    public OAuthFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProviderProcess.StartAsync();
        App = new OAuthFactory(_provider.Issuer);
        await App.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
