using BenchmarkDotNet.Attributes;
using Hit.Contracts.Directory;
using Hit.LocalHost;
using Hit.Sdk;
using Hit.Sdk.Directory;
using Hit.Sdk.Http;
using Hit.Testing;

namespace Directory.Benchmarks;

/// <summary>
/// What request signing costs end to end: <c>GET /users/email/{email}</c> through the local Functions host, unsigned
/// (the built app with <c>Directory__RequireSignature=false</c>, the baseline) vs signed with HMAC v2 (client signs,
/// server verifies, replay cache records the nonce). Two hosts of the same app root, same Cosmos data. Needs the stack
/// (<c>./hit stack</c>) and the built app root (<c>./hit build directory</c>); see README.md.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MemoryDiagnoser(displayGenColumns: false)]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SignedLookupBenchmarks
{
    private const string Secret = "directory-benchmark-secret-0123456789";
    private const string Namespace = "bench";
    private const int Concurrency = 8;

    private LocalFunctionsHost _unsignedHost = null!;
    private LocalFunctionsHost _signedHost = null!;
    private HttpClient _plain = null!;
    private HttpClient _signing = null!;
    private Uri _unsignedUri = null!;
    private Uri _signedUri = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        var appRoot = TestStack.AppRoot("Directory");
        _unsignedHost = await StartHostAsync(appRoot, requireSignature: false);
        _signedHost = await StartHostAsync(appRoot, requireSignature: true);

        var email = $"bench-{Guid.NewGuid():N}@example.com";
        await using (var sdk = DirectoryClient.Create(new HitClientOptions { BaseAddress = _signedHost.BaseAddress, Namespace = Namespace, HmacSecret = Secret }))
        {
            await sdk.CreateUserAsync(new CreateUserRequest { UserId = "bench", GuildId = Guid.NewGuid().ToString("N"), RealName = "Bench Mark", Email = email });
        }

        _plain = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        _plain.DefaultRequestHeaders.Add("X-Hit-Namespace", Namespace);
        _signing = new HttpClient(new HmacSigningHandler(new HmacSigningOptions { Secret = Secret, BaseAddress = _signedHost.BaseAddress })
        {
            InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 },
        });
        _signing.DefaultRequestHeaders.Add("X-Hit-Namespace", Namespace);
        _unsignedUri = new Uri(_unsignedHost.BaseAddress, "users/email/" + Uri.EscapeDataString(email));
        _signedUri = new Uri(_signedHost.BaseAddress, "users/email/" + Uri.EscapeDataString(email));

        // Fail fast (not a meaningless benchmark) when either side does not answer 200.
        await Get(_plain, _unsignedUri);
        await Get(_signing, _signedUri);
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        _plain.Dispose();
        _signing.Dispose();
        await _unsignedHost.DisposeAsync();
        await _signedHost.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "unsigned GET by email")]
    [BenchmarkCategory("sequential")]
    public Task UnsignedLookup() => Get(_plain, _unsignedUri);

    [Benchmark(Description = "HMAC v2 signed GET by email")]
    [BenchmarkCategory("sequential")]
    public Task SignedLookup() => Get(_signing, _signedUri);

    [Benchmark(Baseline = true, OperationsPerInvoke = Concurrency, Description = "unsigned ×8")]
    [BenchmarkCategory("8 concurrent")]
    public Task UnsignedLookups() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Get(_plain, _unsignedUri)));

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "signed ×8")]
    [BenchmarkCategory("8 concurrent")]
    public Task SignedLookups() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Get(_signing, _signedUri)));

    private static async Task Get(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await response.Content.CopyToAsync(Stream.Null);
    }

    private static async Task<LocalFunctionsHost> StartHostAsync(string appRoot, bool requireSignature)
    {
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = appRoot,
            AppName = "directory",
            Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-bench")))
            {
                ["Directory__Hmac__Secrets__0"] = Secret,
                ["Directory__RequireSignature"] = requireSignature ? "true" : "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        });
        await host.StartAsync();
        return host;
    }
}
