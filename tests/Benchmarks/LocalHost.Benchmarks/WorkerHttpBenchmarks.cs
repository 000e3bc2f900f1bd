using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;

namespace LocalHost.Benchmarks;

/// <summary>
/// What the local Functions host (and the gateway in front of it) costs on a request to an isolated-worker app: the
/// TestWorker's <c>Echo</c> function, <c>POST /echo/{id}</c> with a small JSON body, sent
/// <list type="bullet">
/// <item>straight to the worker's own HttpUri with its invocation over gRPC (the baseline: what any host must do),</item>
/// <item>through the host's listener (routing, InvocationRequest, proxy with <c>x-ms-invocation-id</c>),</item>
/// <item>through the gateway and the host (what <c>./hit run</c> serves).</item>
/// </list>
/// Sequential and 16 in flight. Needs only the built TestWorker (a project reference builds it); see README.md.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MemoryDiagnoser(displayGenColumns: false)]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WorkerHttpBenchmarks
{
    public const string AppName = "bench";
    private const int Concurrency = 16;
    private const string Id = "bench";

    // 64 bytes: enough to exercise the request-body copy, small enough that the hops dominate.
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"message\":\"a small body so every hop copies one\",\"n\":12345}   ");
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.Ordinal) { ["id"] = Id };

    private LocalFunctionsHost _host = null!;
    private LocalGateway _gateway = null!;
    private HttpClient _client = null!;
    private Uri _viaHost = null!;
    private Uri _viaGateway = null!;

    /// <summary>tests/Hit.LocalHost.TestWorker/bin/&lt;Configuration&gt;/net10.0, recorded at build time.</summary>
    public static string TestWorkerRoot { get; } = typeof(WorkerHttpBenchmarks).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestWorkerRoot").Value!;

    /// <summary>
    /// Storage as <c>./hit stack</c> exports it (Azurite by default). The TestWorker's storage-triggered functions are
    /// switched off: their queue and container names are unset here, and their listeners would poll Azurite during the
    /// measurement.
    /// </summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") is { Length: > 0 } storage ? storage : "UseDevelopmentStorage=true",
        ["AzureWebJobs.QueueWork.Disabled"] = "true",
        ["AzureWebJobs.BlobWatch.Disabled"] = "true",
    };

    [GlobalSetup]
    public async Task StartAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = TestWorkerRoot, AppName = AppName, Settings = Settings() });
        await _host.StartAsync();
        await WorkerPort.WaitUntilListeningAsync(_host.HandlerAddress, TimeSpan.FromSeconds(30));
        _gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        _gateway.AddApp(_host);
        await _gateway.StartAsync();

        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null });
        _viaHost = new Uri(_host.BaseAddress, $"echo/{Id}");
        _viaGateway = new Uri(_gateway.BaseAddress, $"{AppName}/echo/{Id}");

        // Every path must reach the same function with the same body before any of them is timed.
        foreach (var (name, send) in Paths())
        {
            var text = await send();
            if (!text.Contains($"\"bodyLength\":{Body.Length}", StringComparison.Ordinal) || !text.Contains($"\"id\":\"{Id}\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name}: unexpected Echo answer {text}");
            }
        }
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _host.DisposeAsync();
    }

    /// <summary>The three paths, baseline first, each answering the Echo body it read to the end.</summary>
    public (string Name, Func<Task<string>> Send)[] Paths() =>
        [("worker directly", SendDirect), ("through local host", () => Post(_viaHost)), ("through gateway + host", () => Post(_viaGateway))];

    [Benchmark(Baseline = true, Description = "worker directly")]
    [BenchmarkCategory("sequential")]
    public Task<string> Direct() => SendDirect();

    [Benchmark(Description = "through local host")]
    [BenchmarkCategory("sequential")]
    public Task<string> ViaHost() => Post(_viaHost);

    [Benchmark(Description = "through gateway + host")]
    [BenchmarkCategory("sequential")]
    public Task<string> ViaGateway() => Post(_viaGateway);

    [Benchmark(Baseline = true, OperationsPerInvoke = Concurrency, Description = "worker directly ×16")]
    [BenchmarkCategory("16 concurrent")]
    public Task DirectConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => SendDirect()));

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "through local host ×16")]
    [BenchmarkCategory("16 concurrent")]
    public Task ViaHostConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Post(_viaHost)));

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "through gateway + host ×16")]
    [BenchmarkCategory("16 concurrent")]
    public Task ViaGatewayConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Post(_viaGateway)));

    private async Task<string> SendDirect()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"echo/{Id}", UriKind.Relative)) { Content = JsonBody() };
        using var response = await _host.SendDirectToWorkerAsync("Echo", request, RouteValues, _client);
        return await ReadAsync(response);
    }

    private async Task<string> Post(Uri uri)
    {
        using var response = await _client.PostAsync(uri, JsonBody());
        return await ReadAsync(response);
    }

    private static ByteArrayContent JsonBody()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
