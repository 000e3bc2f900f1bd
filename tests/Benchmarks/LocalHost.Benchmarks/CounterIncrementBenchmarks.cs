using BenchmarkDotNet.Attributes;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;

namespace LocalHost.Benchmarks;

/// <summary>
/// What the local Functions host (and the gateway in front of it) costs on a real request: a PingPong counter
/// increment (a Cosmos patch on the local server), sent straight to the handler (the baseline), through the host,
/// and through gateway + host. Sequential and 16-way concurrent. Needs the stack (<c>./hit stack</c>) and the built
/// app root (<c>./hit build pingpong</c>); see README.md.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MemoryDiagnoser(displayGenColumns: false)]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CounterIncrementBenchmarks
{
    private const int Concurrency = 16;
    private LocalFunctionsHost _host = null!;
    private LocalGateway _gateway = null!;
    private HttpClient _client = null!;
    private Uri _handler = null!;
    private Uri _viaHost = null!;
    private Uri _viaGateway = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("PingPong"),
            AppName = "pingpong",
            Settings = TestStack.AsEnvironment(TestStack.Settings(database: "hit").Append(new("Logging:LogLevel:Default", "Warning"))),
        });
        await _host.StartAsync();
        _gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        _gateway.AddApp(_host);
        await _gateway.StartAsync();

        var counter = "bench-" + Guid.NewGuid().ToString("N");
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        _handler = new Uri(_host.HandlerAddress, $"counter/{counter}/increment");
        _viaHost = new Uri(_host.BaseAddress, $"counter/{counter}/increment");
        _viaGateway = new Uri(_gateway.BaseAddress, $"pingpong/counter/{counter}/increment");
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "handler directly")]
    [BenchmarkCategory("sequential")]
    public Task Handler() => Post(_handler);

    [Benchmark(Description = "through local host")]
    [BenchmarkCategory("sequential")]
    public Task ViaHost() => Post(_viaHost);

    [Benchmark(Description = "through gateway + host")]
    [BenchmarkCategory("sequential")]
    public Task ViaGateway() => Post(_viaGateway);

    [Benchmark(Baseline = true, OperationsPerInvoke = Concurrency, Description = "handler directly ×16")]
    [BenchmarkCategory("16 concurrent")]
    public Task HandlerConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Post(_handler)));

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "through local host ×16")]
    [BenchmarkCategory("16 concurrent")]
    public Task ViaHostConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Post(_viaHost)));

    private async Task Post(Uri uri)
    {
        using var response = await _client.PostAsync(uri, null);
        response.EnsureSuccessStatusCode();
    }
}
