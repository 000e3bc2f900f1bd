using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.Testing;

namespace EndToEnd.Tests;

public sealed class PingPongEndToEndTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static string NewId() => "e2e-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Increment_200ConcurrentThroughGateway_EndsAtExactly200()
    {
        var id = NewId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(_ => platform.Client.PostAsync($"/pingpong/counter/{id}/increment", null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var counter = await platform.Client.GetFromJsonAsync($"/pingpong/counter/{id}", HitJsonContext.Default.CounterResponse);
        Assert.Equal(200, counter!.Value);
    }

    [Fact]
    public async Task Counter_ReadResetAndNamespaces_ThroughGateway()
    {
        var id = NewId();
        using var acme = new HttpRequestMessage(HttpMethod.Post, $"/pingpong/counter/{id}/increment") { Headers = { { "X-Hit-Namespace", "acme" } } };
        Assert.Equal(HttpStatusCode.OK, (await platform.Client.SendAsync(acme)).StatusCode);

        var unknown = await platform.Client.GetFromJsonAsync($"/pingpong/counter/{id}", HitJsonContext.Default.CounterResponse);
        Assert.Equal(0, unknown!.Value);

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/pingpong/counter/{id}") { Headers = { { "X-Hit-Namespace", "acme" } } };
        var acmeCounter = await (await platform.Client.SendAsync(read)).Content.ReadFromJsonAsync(HitJsonContext.Default.CounterResponse);
        Assert.Equal(("acme", 1L), (acmeCounter!.Namespace, acmeCounter.Value));
    }

    [Fact]
    public async Task UndeclaredRoutesAndMethods_Are404Or405Problems_ThroughTheGateway()
    {
        // The host routes by each function's route and methods; what matches none reaches the platform's catch-all.
        using var wrongMethod = await platform.Client.DeleteAsync($"/pingpong/counter/{NewId()}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET", "OPTIONS"], wrongMethod.Content.Headers.Allow.Order(StringComparer.Ordinal));
        foreach (var path in (string[])["/pingpong/", "/pingpong/GetCounter"])
        {
            using var unknown = await platform.Client.PostAsync(path, null);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }

        // An unknown app is the gateway's own 404: no app to ask.
        Assert.Equal(HttpStatusCode.NotFound, (await platform.Client.GetAsync("/nosuchapp/counter/x")).StatusCode);
    }

    [Fact]
    public async Task HealthAndOpenApi_AreServedThroughGateway()
    {
        var ready = await platform.Client.GetFromJsonAsync<JsonObject>("/pingpong/readyz");
        Assert.Equal("Healthy", (string?)ready!["status"]);

        var openApi = await platform.Client.GetFromJsonAsync<JsonObject>("/pingpong/openapi/v1.json");
        Assert.NotNull(openApi!["paths"]!["/counter/{id}/increment"]);
    }

    [Fact]
    public async Task InvalidInput_IsProblemDetailsThroughGateway()
    {
        var response = await platform.Client.PostAsync("/pingpong/counter/bad%20id/increment", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("id", (string?)problem!["field"]);
    }

    [Fact]
    public void AppRoot_IsTheWorkerSdksOutput()
    {
        var root = TestStack.AppRoot("PingPong");

        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "functions.metadata")))!.AsArray();
        var functions = metadata.Select(f => (string)f!["name"]!).Order().ToList();

        Assert.Equal(["Fallback", "GetCounter", "Healthz", "IncrementCounter", "OpenApiDocument", "Readyz", "ResetCounter"], functions);
        Assert.Equal(functions, platform.PingPong.Functions.Order());
        Assert.True(File.Exists(Path.Combine(root, "worker.config.json")), "the Worker SDK's worker.config.json is in the app root");
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!;
        Assert.Null(host["customHandler"]);
        Assert.Equal("", (string?)host["extensions"]!["http"]!["routePrefix"]);
    }

    [Fact]
    public async Task HandlerCrash_IsRestartedByTheHost()
    {
        var pid = platform.PingPong.HandlerProcessId!.Value;

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        // The host notices the exit and starts a new worker process; requests fail until it is back.
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status = default;
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                status = (await platform.Client.GetAsync($"/pingpong/counter/{NewId()}")).StatusCode;
                if (status == HttpStatusCode.OK && platform.PingPong.HandlerProcessId is { } newPid && newPid != pid)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Connection refused while the handler restarts.
            }

            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(pid, platform.PingPong.HandlerProcessId);
    }
}
