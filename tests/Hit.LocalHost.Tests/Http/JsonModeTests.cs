using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Http;

/// <summary>HTTP functions that are not pure http-in/http-out get the JSON envelope (reference §3a).</summary>
public sealed class JsonModeTests
{
    [Fact]
    public async Task HttpWithExtraOutput_GetsEnvelopeAndResponseFromOutputsRes()
    {
        var queue = TestEnvironment.UniqueName("jsonmode");
        using var app = new AppRootBuilder();
        app.Function("CreateOrder", Bindings.HttpTrigger("req", "orders/{id}", "post"), Bindings.HttpOut("res"), Bindings.QueueOut("msg", queue));
        var response = new JsonObject
        {
            ["Outputs"] = new JsonObject
            {
                ["res"] = new JsonObject
                {
                    ["statusCode"] = "201",
                    ["body"] = new JsonObject { ["ok"] = true },
                    ["headers"] = new JsonObject { ["Content-Type"] = "application/json", ["X-Order"] = "42" },
                },
                ["msg"] = new JsonObject { ["order"] = 42 },
            },
            ["Logs"] = new JsonArray("order accepted"),
        };
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_RESPONSE_CreateOrder"] = response.ToJsonString() });

        using var content = new StringContent("{\"id\":1005}", System.Text.Encoding.UTF8, "application/json");
        using var reply = await harness.Client.PostAsync("/orders/42?x=1&x=2&y=z", content);

        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.Equal("42", reply.Headers.GetValues("X-Order").Single());
        Assert.Equal("application/json", reply.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\n  \"ok\": true\n}", (await reply.Content.ReadAsStringAsync()).Replace("\r\n", "\n", StringComparison.Ordinal));

        var invocation = (await harness.WaitForSingleInvocationAsync("CreateOrder"));
        Assert.Equal("/CreateOrder", invocation["path"]!.GetValue<string>());
        var envelope = HostHarness.Envelope(invocation);
        var req = envelope["Data"]!["req"]!;
        Assert.Equal("POST", req["Method"]!.GetValue<string>());
        Assert.EndsWith("/orders/42?x=1&x=2&y=z", req["Url"]!.GetValue<string>());
        Assert.Equal("1,2", req["Query"]!["x"]!.GetValue<string>());
        Assert.Equal("z", req["Query"]!["y"]!.GetValue<string>());
        Assert.Equal("42", req["Params"]!["id"]!.GetValue<string>());
        Assert.Equal("{\"id\":1005}", req["Body"]!.GetValue<string>());
        Assert.IsType<JsonArray>(req["Headers"]!["Content-Type"]);
        Assert.False(req["Identities"]![0]!["IsAuthenticated"]!.GetValue<bool>());

        var metadata = envelope["Metadata"]!;
        Assert.Equal("\"42\"", metadata["id"]!.GetValue<string>());
        Assert.Equal("z", metadata["Query"]!["y"]!.GetValue<string>());
        Assert.Equal("CreateOrder", metadata["sys"]!["MethodName"]!.GetValue<string>());

        var message = await Eventually.UntilAsync(() => TestEnvironment.PeekFirstAsync(queue), TimeSpan.FromSeconds(5), "queue output");
        Assert.Equal("{\n  \"order\": 42\n}", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)));
        // Logs are relayed before the HTTP response is written.
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("order accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandlerFailureInJsonMode_Returns500()
    {
        using var app = new AppRootBuilder();
        app.Host["customHandler"]!["enableForwardingHttpRequest"] = false;
        app.HttpFunction("Broken", "broken");
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_FAIL_Broken"] = "true" });

        using var reply = await harness.Client.GetAsync("/broken");

        Assert.Equal(HttpStatusCode.InternalServerError, reply.StatusCode);
    }

    [Fact]
    public async Task RoutePrefix_IsApplied()
    {
        using var app = new AppRootBuilder();
        app.Host["extensions"]!["http"]!["routePrefix"] = "api";
        app.HttpFunction("Echo", "echo/{*rest}");
        await using var harness = await HostHarness.StartAsync(app.Write());

        using var prefixed = await harness.Client.GetAsync("/api/echo/x");
        using var bare = await harness.Client.GetAsync("/echo/x");

        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
    }

    [Fact]
    public async Task Start_WaitsUntilHandlerAnswers()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}");
        var stopwatch = Stopwatch.StartNew();
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_STARTUP_DELAY_MS"] = "1500" });

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(1500), $"started after {stopwatch.Elapsed}");
        using var reply = await harness.Client.GetAsync("/echo/ready");
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
    }

    [Fact]
    public async Task Start_HandlerNeverListening_FailsAfterInitializationTimeout()
    {
        using var app = new AppRootBuilder();
        app.Host["customHandler"]!["initializationTimeout"] = "00:00:01";
        app.HttpFunction("Echo", "echo");
        var settings = new Dictionary<string, string?> { ["TEST_STARTUP_DELAY_MS"] = "20000" };

        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await HostHarness.StartAsync(app.Write(), settings));
        Assert.Contains("initializationTimeout", error.Message, StringComparison.Ordinal);
    }
}
