using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Tests.Worker;

/// <summary>
/// HTTP through the host to a real isolated worker: the handshake's result, proxying with the invocation id,
/// routing (constraints, methods, 404), bodies both ways, failure, cancellation, logs and outputs.
/// </summary>
public sealed class WorkerHttpTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    private WorkerHarness Worker => fixture.Harness;

    [Fact]
    public void Handshake_LoadsEveryFunctionTheWorkerIndexed_AndMapsItsRoutes()
    {
        Assert.Equal(
            ["BlobWatch", "Crash", "Echo", "Large", "Log", "MultiOut", "Pid", "QueueWork", "Slow", "Throw", "Typed"],
            Worker.Host.Functions.Order(StringComparer.Ordinal));
        Assert.Contains("GET,POST /echo/{id}", Worker.Host.Routes);
        Assert.Contains("GET /items/{n:int}", Worker.Host.Routes);
        Assert.NotNull(Worker.Host.HandlerProcessId);
        Assert.Equal("127.0.0.1", Worker.Host.BaseAddress.Host);
    }

    [Fact]
    public async Task Get_ProxiesToTheWorker_WithRouteValuesQueryAndTheInvocationIdHeader()
    {
        var echo = (await Worker.Client.GetFromJsonAsync<JsonObject>("/echo/abc?x=1&y=two"))!;

        Assert.Equal("GET", (string?)echo["method"]);
        Assert.Equal("abc", (string?)echo["id"]);
        Assert.Equal("1", (string?)echo["query"]!["x"]);
        Assert.Equal("two", (string?)echo["query"]!["y"]);
        // The proxied request and the gRPC invocation are paired by this id: the worker saw both halves.
        var invocationId = (string?)echo["invocationId"];
        Assert.True(Guid.TryParse(invocationId, out _));
        Assert.Equal(invocationId, (string?)echo["headers"]!["x-ms-invocation-id"]);
        // Route values, Query and Headers travel as trigger metadata.
        Assert.Equal(["Headers", "Query", "id"], echo["triggerMetadataKeys"]!.AsArray().Select(k => (string)k!));
    }

    [Fact]
    public async Task Post_3MegabyteBody_ArrivesIntact()
    {
        var body = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(body);
        using var content = new ByteArrayContent(body);

        var response = await Worker.Client.PostAsync("/echo/big", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(body.Length, (long)echo["bodyLength"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), (string?)echo["bodySha256"]);
        Assert.Equal("POST", (string?)echo["method"]);
    }

    [Fact]
    public async Task LargeResponse_StreamsBackIntact()
    {
        var bytes = await Worker.Client.GetByteArrayAsync("/large/5000000");

        Assert.Equal(5_000_000, bytes.Length);
        Assert.True(bytes.Select((b, i) => b == (byte)(i % 251)).All(ok => ok));
    }

    [Fact]
    public async Task StatusAndHeadersFromTheWorker_PassThrough()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/s") { Headers = { { "X-Echo-Status", "201" } } };

        var response = await Worker.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/items/abc")]      // fails the {n:int} constraint
    [InlineData("DELETE", "/echo/x")]      // known path, undeclared method
    [InlineData("GET", "/nosuchroute")]
    [InlineData("POST", "/Echo")]          // a function name is not a route
    public async Task UnmatchedRequests_Are404LikeTheRealHost(string method, string path)
    {
        // The host's routes carry HttpMethodRouteConstraint (WebScriptHostHttpRoutesManager): no match → 404, not 405.
        var response = await Worker.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RouteConstraint_MatchingValue_ReachesTheFunction()
    {
        var typed = (await Worker.Client.GetFromJsonAsync<JsonObject>("/items/42"))!;

        Assert.Equal(42, (int)typed["n"]!);
    }

    [Fact]
    public async Task ThrowingFunction_Is500_NotTheWorkersEmpty200()
    {
        var response = await Worker.Client.PostAsync("/throw", null);

        // The worker's Kestrel answers 200 with an empty body; the InvocationResponse says Failure. The real host's
        // ExceptionMiddleware turns the failed invocation into a 500 before the response starts.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await Eventually.UntilAsync(() => Task.FromResult<string?>(Worker.Logger.Entries
            .FirstOrDefault(e => e.Message.Contains("Executed 'Throw' (Failed", StringComparison.Ordinal) && e.Message.Contains("test failure", StringComparison.Ordinal)).Message),
            TimeSpan.FromSeconds(5), "the failed invocation in the host log");
    }

    [Fact]
    public async Task WorkerLogs_AreRelayedWithTheirLevelAndFunctionCategory()
    {
        var marker = Guid.NewGuid().ToString("N");

        Assert.Equal(HttpStatusCode.OK, (await Worker.Client.GetAsync($"/log/{marker}")).StatusCode);

        var info = await Eventually.UntilAsync(() => Task.FromResult<(LogLevel Level, string Message)?>(
            Worker.Logger.Entries.Where(e => e.Message.Contains("worker-log " + marker, StringComparison.Ordinal)).Cast<(LogLevel, string)?>().FirstOrDefault()),
            TimeSpan.FromSeconds(5), "the relayed information log");
        Assert.Equal(LogLevel.Information, info!.Value.Level);
        Assert.Contains("[Function.Log.User]", info.Value.Message, StringComparison.Ordinal);
        var warning = Worker.Logger.Entries.Single(e => e.Message.Contains("worker-warning " + marker, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task HttpFunctionQueueOutputs_ComeBackAsOutputData_AndTheHostWritesEachMessage()
    {
        using var content = new StringContent("one\ntwo\nthree", Encoding.UTF8, "text/plain");

        var response = await Worker.Client.PostAsync("/multi", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        var messages = await Eventually.UntilAsync(async () =>
        {
            var peeked = (await Worker.OutQueue.ExistsAsync()).Value ? (await Worker.OutQueue.PeekMessagesAsync(32)).Value : [];
            return peeked.Length >= 3 ? peeked : null;
        }, TimeSpan.FromSeconds(10), "three output messages");
        Assert.Equal(["one", "three", "two"], messages.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheInvocation()
    {
        using var cancel = new CancellationTokenSource();
        using var response = await Worker.Client.GetAsync("/slow", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token)))
        {
            Assert.Equal("started", await reader.ReadLineAsync(cancel.Token));
            await cancel.CancelAsync();
        }

        var records = await Worker.WaitForRecordsAsync("Slow", 1, TimeSpan.FromSeconds(15));
        Assert.True((bool)records[^1]["cancelled"]!, records[^1].ToJsonString());
    }

    [Fact]
    public async Task Gateway_RunsTheWorkerHostInProcess_WithTheSameRouting()
    {
        await using var gateway = new Hit.LocalHost.Gateway.LocalGateway(new Hit.LocalHost.Gateway.LocalGatewayOptions { Port = 0 });
        gateway.AddApp(Worker.Host);
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var app = Worker.Host.AppName;

        var echo = (await client.GetFromJsonAsync<JsonObject>($"/{app}/echo/a%20b?q=1"))!;

        Assert.Equal("a b", (string?)echo["id"]);
        Assert.Equal("1", (string?)echo["query"]!["q"]);
        // X-Forwarded-Prefix reaches the worker, whose ASP.NET Core integration applies forwarded headers: it becomes
        // the request's PathBase there (so the header itself is gone) and the function still routes on the rest.
        Assert.Equal((string?)echo["invocationId"], (string?)echo["headers"]!["x-ms-invocation-id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/{app}/echo/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/{app}/items/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync($"/{app}/throw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/no-such-app/echo/x")).StatusCode);
        var bytes = await client.GetByteArrayAsync($"/{app}/large/1000000");
        Assert.Equal(1_000_000, bytes.Length);
    }
}
