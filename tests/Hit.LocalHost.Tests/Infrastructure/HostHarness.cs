using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Tests.Infrastructure;

/// <summary>A started <see cref="LocalFunctionsHost"/> over an app root, with clients for the host and the handler.</summary>
internal sealed class HostHarness : IAsyncDisposable
{
    private HostHarness(LocalFunctionsHost host, CapturingLogger logger)
    {
        Host = host;
        Logger = logger;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        Handler = new HttpClient { BaseAddress = host.HandlerAddress };
    }

    public LocalFunctionsHost Host { get; }

    public CapturingLogger Logger { get; }

    /// <summary>Talks to the host's HTTP listener.</summary>
    public HttpClient Client { get; }

    /// <summary>Talks to the handler directly (its recording and control endpoints).</summary>
    public HttpClient Handler { get; }

    public static async Task<HostHarness> StartAsync(string appRoot, IDictionary<string, string?>? extraSettings = null,
        Func<LocalFunctionsHostOptions, LocalFunctionsHostOptions>? configure = null, string? appName = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.StorageConnectionString,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logger = new CapturingLogger();
        var options = new LocalFunctionsHostOptions
        {
            AppRoot = appRoot,
            AppName = appName ?? "app" + Guid.NewGuid().ToString("N")[..8],
            Port = 0,
            Settings = settings,
            Logger = logger,
            BlobPollingInterval = TimeSpan.FromMilliseconds(200),
        };
        options = configure?.Invoke(options) ?? options;
        var host = new LocalFunctionsHost(options);
        await host.StartAsync();
        return new HostHarness(host, logger);
    }

    public async Task<JsonArray> InvocationsAsync(string function) =>
        (await Handler.GetFromJsonAsync<JsonArray>($"/_test/invocations/{function}"))!;

    /// <summary>Waits until the handler recorded at least <paramref name="count"/> invocations of <paramref name="function"/>.</summary>
    public async Task<JsonArray> WaitForInvocationsAsync(string function, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var invocations = await InvocationsAsync(function);
            if (invocations.Count >= count)
            {
                return invocations;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{function}: expected {count} invocations, saw {invocations.Count}. Host log:\n{Logger.Dump()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the first invocation and checks no second one arrived meanwhile.</summary>
    public async Task<JsonNode> WaitForSingleInvocationAsync(string function)
    {
        var invocations = await WaitForInvocationsAsync(function, 1);
        Assert.Single(invocations);
        return invocations[0]!;
    }

    public static JsonObject Envelope(JsonNode invocation) => JsonNode.Parse(invocation["body"]!.GetValue<string>())!.AsObject();

    public async Task SetModeAsync(string function, bool fail, JsonNode? response = null)
    {
        var mode = new JsonObject { ["fail"] = fail, ["response"] = response };
        using var content = new StringContent(mode.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        (await Handler.PostAsync($"/_test/mode/{function}", content)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Handler.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Keeps host log lines so tests can assert on relayed handler output and errors.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message)));

    public string Dump() => string.Join('\n', _entries.Select(e => $"{e.Level}: {e.Message}"));
}

internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(100);
        }
    }
}
