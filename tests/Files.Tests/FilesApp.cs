using Hit.LocalHost;
using Hit.Testing;

namespace Hit.Files.Tests;

/// <summary>
/// The built files app root (artifacts/apps/Files, from <c>./hit build files</c>) under the local Functions host —
/// the worker process, the host's routes and proxying — against the real local Cosmos server and Azurite the test
/// run started. The app is served at the root (<c>/files/…</c>, <c>/categories</c>), without the gateway.
/// </summary>
public sealed class FilesApp : IAsyncLifetime
{
    /// <summary>A small upload limit, so the 413 tests do not have to send 100 MB.</summary>
    public const long MaxUploadBytes = 2 * 1024 * 1024;

    private LocalFunctionsHost? _host;

    public static IReadOnlyDictionary<string, string?> Settings() =>
        new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-tests")))
        {
            ["Files__Buckets__0"] = "chat-bucket",
            ["Files__Buckets__1"] = "avatars",
            ["Files__MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            // Only FilesHostFixture (one instance: FilesHostCollection) runs the blob trigger. Hosts sharing the host id "files" on one Azurite split the
            // blobs between them (the receipt lease decides), so a second watcher would take blobs whose tests wait on
            // the other host, and a host stopping mid-invocation leaves its blob leased for up to 30 s.
            ["AzureWebJobs.MakeThumbnail.Disabled"] = "true",
            ["HitAuth__Issuer"] = TestTokens.Settings["HitAuth__Issuer"],
            ["HitAuth__Audience"] = TestTokens.Settings["HitAuth__Audience"],
            ["HitAuth__JwksUrl"] = TestTokens.Settings["HitAuth__JwksUrl"],
        };

    public async Task InitializeAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("Files"),
            AppName = "files",
            Settings = Settings(),
        });
        await _host.StartAsync();
    }

    /// <summary>A client acting as <paramref name="userId"/> of <paramref name="ns"/>: its access token, and the namespace header.</summary>
    public HttpClient Client(string ns, string userId = TestTokens.Owner)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return TestTokens.Authorize(client, ns, userId);
    }

    /// <summary>A client without a token or namespace header.</summary>
    public HttpClient Anonymous() => new()
    {
        BaseAddress = (_host ?? throw new InvalidOperationException("The host is not started.")).BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static string NewNamespace() => "t" + Guid.NewGuid().ToString("N")[..20];

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
