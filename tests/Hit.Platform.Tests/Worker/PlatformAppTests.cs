using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Tests.Worker;

/// <summary>
/// The platform's worker pieces end to end: tests/Hit.Platform.TestApp (a real <c>AddHitPlatform()</c> app) under the
/// local Functions host, over gRPC and HTTP — what <see cref="WorkerTestHost"/> checks step by step, here as a client
/// sees it.
/// </summary>
public sealed class PlatformAppTests(PlatformAppFixture app) : IClassFixture<PlatformAppFixture>
{
    internal static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        return problem;
    }

    private async Task<string?> NamespaceSeenAsync(string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/anonymous");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(TenantNamespace.HeaderName, header);
        }

        using var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return (string?)JsonNode.Parse(body)!["namespace"];
    }

    [Fact]
    public async Task ExceptionInAFunction_Is500Problem_WithoutTheExceptionMessage()
    {
        using var response = await app.Client.GetAsync("/boom");

        var problem = await AssertProblemAsync(response, HttpStatusCode.InternalServerError, ProblemCodes.InternalError);
        Assert.DoesNotContain("secret detail", problem.ToJsonString(), StringComparison.Ordinal);
        // The trace id is what support needs instead of the message.
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]));
    }

    [Fact]
    public async Task UndeclaredPath_Is404Problem()
    {
        using var response = await app.Client.GetAsync("/no-such-function");

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemCodes.NotFound);
        Assert.Contains("/no-such-function", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoHeaderOrTheDefault_IsTheDefaultNamespace()
    {
        Assert.Equal("default", await NamespaceSeenAsync(null));
        Assert.Equal("default", await NamespaceSeenAsync("default"));
    }

    [Fact]
    public async Task AnonymousNamespaceHeader_IsRefusedBeforeTheFunction_WhereTheAppDoesNotAllowIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/anonymous");
        request.Headers.TryAddWithoutValidation(TenantNamespace.HeaderName, "acme");

        using var response = await app.Client.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, Hit.Platform.Worker.WorkerTenancyMiddleware.NamespaceRequiresTokenCode);
        Assert.Equal(TenantNamespace.HeaderName, (string?)problem["field"]);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task InvalidNamespaceHeader_Is400Problem_NamingTheHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/anonymous");
        request.Headers.TryAddWithoutValidation(TenantNamespace.HeaderName, "Not/Valid");

        using var response = await app.Client.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemCodes.InvalidNamespace);
        Assert.Equal(TenantNamespace.HeaderName, (string?)problem["field"]);
    }

    [Fact]
    public async Task UserFunction_WithoutToken_Is401_WithBearerChallenge()
    {
        using var response = await app.Client.GetAsync("/whoami");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemCodes.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }
}

/// <summary>One TestApp host for a test class: starting a worker costs a second or two.</summary>
public sealed class PlatformAppFixture : IAsyncLifetime
{
    /// <summary>The TestApp's build output folder (Hit.Platform.Tests.csproj), a complete app root.</summary>
    public static string AppRoot { get; } = typeof(PlatformAppFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestAppRoot").Value!;

    private readonly LogLines _log = new();
    private LocalFunctionsHost? _host;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The same app behind the local gateway, at <c>/platformapp/</c>.</summary>
    public HttpClient GatewayClient { get; private set; } = null!;

    private LocalGateway? _gateway;

    public async Task InitializeAsync()
    {
        // No AzureWebJobsStorage: the local host opens storage only for queue and blob triggers, and this app has
        // HTTP functions alone, so these tests need no Azurite.
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = AppRoot,
            AppName = "platformapp",
            Logger = _log,
        });
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException("The TestApp host did not start. Log:\n" + _log.Dump(), ex);
        }

        _host = host;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        _gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        _gateway.AddApp(host);
        await _gateway.StartAsync();
        GatewayClient = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(_gateway.BaseAddress, "platformapp/"),
        };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        GatewayClient?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Keeps the host's log (worker output included) for the message of a failed start.</summary>
    private sealed class LogLines : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}");

        public string Dump() => string.Join('\n', _lines);
    }
}
