using System.Text.Json.Nodes;
using Hit.Platform.Manifest;
using Hit.Platform.Triggers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Tests;

public sealed class ManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hit-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<FunctionDefinition> Describe(Action<WebApplication> map)
    {
        var builder = FunctionsApp.CreateBuilder([]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseHitPlatform();
        map(app);
        return FunctionManifest.Build(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));
    }

    [Fact]
    public void Build_NamedEndpoint_BecomesAnonymousHttpTriggerWithRouteAndMethods()
    {
        var functions = Describe(app => app.MapPost("/counter/{id}/increment", () => "x").WithName("IncrementCounter"));

        var function = Assert.Single(functions, f => f.Name == "IncrementCounter");
        var trigger = function.FunctionJson["bindings"]![0]!;
        Assert.Equal("httpTrigger", (string?)trigger["type"]);
        Assert.Equal("anonymous", (string?)trigger["authLevel"]);
        Assert.Equal("counter/{id}/increment", (string?)trigger["route"]);
        Assert.Equal(["post"], trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("http", (string?)function.FunctionJson["bindings"]![1]!["type"]);
    }

    [Fact]
    public void Build_PlatformEndpoints_AreFunctionsExceptTheHostProbe()
    {
        var names = Describe(_ => { }).Select(f => f.Name).ToList();

        Assert.Equal(["Healthz", "OpenApiDocument", "Readyz"], names);
    }

    [Fact]
    public void Build_UnnamedEndpoint_FailsWithAClearError()
    {
        var error = Assert.Throws<FunctionManifestException>(() => Describe(app => app.MapGet("/orphans/{id}", () => "x")));

        Assert.Contains("GET /orphans/{id}", error.Message, StringComparison.Ordinal);
        Assert.Contains(".WithName(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateOrInvalidNames_Fail()
    {
        var duplicate = Assert.Throws<FunctionManifestException>(() => Describe(app =>
        {
            app.MapGet("/a", () => "a").WithName("Same");
            app.MapGet("/b", () => "b").WithName("same");
        }));
        Assert.Contains("'Same'", duplicate.Message, StringComparison.Ordinal);

        var invalid = Assert.Throws<FunctionManifestException>(() => Describe(app => app.MapGet("/c", () => "c").WithName("has space")));
        Assert.Contains("not a valid function name", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_QueueTrigger_EmitsQueueBindingAndOutputs()
    {
        var functions = Describe(app => app
            .MapQueueTrigger<string>("ProcessPayment", "payments", (string message) => Task.CompletedTask)
            .WithQueueOutput("receipts", "email")
            .WithBlobOutput("archive", "archive/{Id}.json"));

        var bindings = Assert.Single(functions, f => f.Name == "ProcessPayment").FunctionJson["bindings"]!.AsArray();
        Assert.Equal(3, bindings.Count);
        Assert.Equal("queueTrigger", (string?)bindings[0]!["type"]);
        Assert.Equal("payments", (string?)bindings[0]!["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)bindings[0]!["connection"]);
        Assert.Equal("queue", (string?)bindings[1]!["type"]);
        Assert.Equal("out", (string?)bindings[1]!["direction"]);
        Assert.Equal("blob", (string?)bindings[2]!["type"]);
        Assert.Equal("archive/{Id}.json", (string?)bindings[2]!["path"]);
    }

    [Fact]
    public void Build_BlobTrigger_UsesEventGridSource()
    {
        var functions = Describe(app => app.MapBlobTrigger("MakeThumbnail", "uploads/{name}", (BlobTriggerInput blob) => { }));

        var trigger = Assert.Single(functions, f => f.Name == "MakeThumbnail").FunctionJson["bindings"]![0]!;
        Assert.Equal("blobTrigger", (string?)trigger["type"]);
        Assert.Equal("uploads/{name}", (string?)trigger["path"]);
        Assert.Equal("EventGrid", (string?)trigger["source"]);
    }

    [Fact]
    public void MapBlobTrigger_PathWithoutLiteralContainer_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Describe(app => app.MapBlobTrigger("Bad", "{container}/{name}", (BlobTriggerInput blob) => { })));
        Assert.Throws<ArgumentException>(() => Describe(app => app.MapBlobTrigger("Bad", "uploads", (BlobTriggerInput blob) => { })));
    }

    [Fact]
    public void HostJson_ForcesTheCustomHandlerContract()
    {
        var root = JsonNode.Parse("""{"version":"2.0","extensions":{"http":{"routePrefix":"api"}},"customHandler":{"enableForwardingHttpRequest":false}}""")!.AsObject();

        var host = FunctionManifest.HostJson(root, "handler/PingPong", "handler");

        Assert.Equal("", (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.True((bool)host["customHandler"]!["enableForwardingHttpRequest"]!);
        var description = host["customHandler"]!["description"]!;
        Assert.Equal("handler/PingPong", (string?)description["defaultExecutablePath"]);
        Assert.Equal(["--urls", "http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%"], description["arguments"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public async Task ManifestMode_WritesFunctionJsonPerFunctionAndHostJson_WithoutOpeningASocket()
    {
        var hostJson = Path.Combine(_dir, "root-host.json");
        await File.WriteAllTextAsync(hostJson, """{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.*, 5.0.0)"}}""");
        Directory.CreateDirectory(Path.Combine(_dir, "app", "Stale"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "app", "Stale", "function.json"), "{}");

        var builder = FunctionsApp.CreateBuilder(["--hit-manifest", Path.Combine(_dir, "app"), "--hit-host-json", hostJson, "--hit-executable", "handler/Demo"]);
        builder.Logging.ClearProviders();
        // Manifest mode must not need settings: a required option left unset must not stop it.
        builder.Services.AddOptions<RequiredOptions>().Validate(o => o.Value is not null, "Value is required").ValidateOnStart();
        var app = builder.Build();
        app.UseHitPlatform();
        app.MapGet("/hello", () => "hi").WithName("Hello");
        await app.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var root = Path.Combine(_dir, "app");
        Assert.True(File.Exists(Path.Combine(root, "Hello", "function.json")));
        Assert.False(Directory.Exists(Path.Combine(root, "Stale")));
        var host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "host.json")))!;
        Assert.Equal("handler/Demo", (string?)host["customHandler"]!["description"]!["defaultExecutablePath"]);
        Assert.Equal("[4.*, 5.0.0)", (string?)host["extensionBundle"]!["version"]);
    }

    private sealed class RequiredOptions
    {
        public string? Value { get; set; }
    }
}
