using Hit.LocalHost;
using Hit.Sdk;
using Hit.Sdk.Directory;
using Hit.Sdk.Http;
using Hit.Testing;

namespace Hit.Directory.Tests;

/// <summary>
/// The built app root (artifacts/apps/Directory, from <c>./hit build directory</c>) under the local Functions host,
/// called directly (no gateway) against the test run's stack, with two secrets (rotation) and a namespace that only
/// accepts signature version 2. One host serves every class of the <see cref="DirectoryCollection"/>.
/// </summary>
public sealed class DirectoryFactory : IAsyncLifetime
{
    public const string Secret = "directory-tests-secret-0123456789";
    public const string RotatedSecret = "directory-tests-rotated-secret-9876543210";

    /// <summary>A namespace configured to accept only signature version 2.</summary>
    public const string V2OnlyNamespace = "v2only";

    private LocalFunctionsHost? _host;

    public Uri BaseAddress => (_host ?? throw new InvalidOperationException("The host is not started.")).BaseAddress;

    public async Task InitializeAsync()
    {
        var settings = TestStack.AsEnvironment(TestStack.Settings(database: "hit-tests"));
        settings["Directory__Hmac__Secrets__0"] = Secret;
        settings["Directory__Hmac__Secrets__1"] = RotatedSecret;
        settings[$"Directory__Hmac__Namespaces__{V2OnlyNamespace}__AcceptedVersions__0"] = "2";
        settings["Logging__LogLevel__Default"] = "Warning";
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = TestStack.AppRoot("Directory"), AppName = "directory", Settings = settings });
        await _host.StartAsync();
    }

    /// <summary>A plain client of the host (no signing, no namespace).</summary>
    public HttpClient CreateClient(bool allowAutoRedirect = true) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = allowAutoRedirect }) { BaseAddress = BaseAddress };

    /// <summary>An SDK client of the host, signing with <paramref name="secret"/> (none when null).</summary>
    public DirectoryClient Sdk(string ns, int version = 2, string? secret = Secret, TimeProvider? time = null)
    {
        var options = new HitClientOptions
        {
            BaseAddress = BaseAddress,
            Namespace = ns,
            HmacSecret = secret,
            SignatureVersion = version,
            TimeProvider = time ?? TimeProvider.System,
        };
        options.Retry.MaxRetryAttempts = 0;
        return DirectoryClient.Create(options);
    }

    /// <summary>A client that sends raw bodies, signed as the SDK signs them, in namespace <paramref name="ns"/>.</summary>
    public HttpClient SignedClient(string ns, int version = 2) => Signed(BaseAddress, ns, Secret, version);

    internal static HttpClient Signed(Uri baseAddress, string ns, string secret, int version)
    {
        var signing = new HmacSigningHandler(new HmacSigningOptions { Secret = secret, Version = version, BaseAddress = baseAddress })
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        var client = new HttpClient(signing) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Add(Hit.Contracts.Directory.RequestSignature.NamespaceHeader, ns);
        return client;
    }

    public static string NewNamespace() => "t" + Guid.NewGuid().ToString("N")[..20];

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>The test classes sharing one <see cref="DirectoryFactory"/> host (starting a worker per class costs seconds).</summary>
[CollectionDefinition(Name)]
public sealed class DirectoryCollection : ICollectionFixture<DirectoryFactory>
{
    public const string Name = "Directory";
}
