using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost;

/// <summary>
/// Runs an isolated-worker Functions app root (functions.metadata and worker.config.json from the Worker SDK) the way
/// the Azure Functions host does, under <see cref="Worker.WorkerRuntime"/>: the worker process over the gRPC worker
/// protocol, HTTP routes proxied to it, queue and blob triggers, output bindings.
/// </summary>
public sealed partial class LocalFunctionsHost : IAsyncDisposable
{
    private readonly LocalFunctionsHostOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Worker.WorkerRuntime? _worker;
    private Task _completion = Task.CompletedTask;
    private int _state;

    public LocalFunctionsHost(LocalFunctionsHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = options.Logger;
        AppName = options.AppName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.AppRoot)));
    }

    public string AppName { get; }

    /// <summary>The HTTP listener, e.g. <c>http://127.0.0.1:7072/</c>. Valid after <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress => Started.BaseAddress;

    /// <summary>The current worker's own HttpUri (for measuring host overhead against direct calls).</summary>
    public Uri HandlerAddress => Started.HandlerAddress;

    /// <summary>The current worker process id, or null when none runs.</summary>
    public int? HandlerProcessId => _worker?.ProcessId;

    /// <summary>The function names the worker loaded.</summary>
    public IReadOnlyList<string> Functions => _worker?.Functions ?? [];

    /// <summary>HTTP routes served, as "METHODS /route".</summary>
    public IReadOnlyList<string> Routes => _worker?.Routes ?? [];

    /// <summary>The host's HTTP pipeline as a delegate the gateway runs in-process.</summary>
    internal Microsoft.AspNetCore.Http.RequestDelegate? InProcessPipeline => _worker?.Pipeline;

    /// <summary>
    /// Completes when the host stops; faults with a clear error when the worker exceeded its restart budget
    /// (3 crashes within 30 minutes by default), after which the host has shut itself down.
    /// </summary>
    public Task Completion => _completion;

    private Worker.WorkerRuntime Started => _worker ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Benchmarks' reference path: see <see cref="Worker.WorkerRuntime.SendDirectAsync"/>.</summary>
    internal Task<HttpResponseMessage> SendDirectToWorkerAsync(string functionName, HttpRequestMessage message, IReadOnlyDictionary<string, string> routeValues,
        HttpMessageInvoker client, CancellationToken cancellationToken = default) =>
        Started.SendDirectAsync(functionName, message, routeValues, client, cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The host was already started.");
        }

        if (!Worker.WorkerAppRoot.IsWorkerAppRoot(_options.AppRoot))
        {
            // Custom-handler app roots (host.json customHandler, function.json folders) were retired with the move to
            // the isolated worker; say so instead of failing somewhere inside the handshake.
            throw new InvalidOperationException(
                $"'{Path.GetFullPath(_options.AppRoot)}' is not an isolated-worker app root (no worker.config.json); build it with ./hit build.");
        }

        _worker = new Worker.WorkerRuntime(_options, AppName);
        try
        {
            await _worker.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }

        _completion = MonitorAsync(_worker.Faulted);
    }

    private async Task MonitorAsync(Task faulted)
    {
        try
        {
            await faulted.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (InvalidOperationException)
        {
            // Like the Functions host: exceeding the restart budget shuts the whole host down.
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops trigger polling and the HTTP listener and ends the worker process.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            await _worker.DisposeAsync().ConfigureAwait(false);
        }

        Log.Stopped(_logger, AppName);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    internal static string DefaultHostId(string appName)
    {
        var id = NonHostIdCharacters().Replace(appName.ToLowerInvariant(), "-").Trim('-');
        if (id.Length == 0)
        {
            id = "localhost";
        }

        return id.Length > 32 ? id[..32].TrimEnd('-') : id;
    }

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex NonHostIdCharacters();

    private static partial class Log
    {
        [LoggerMessage(102, LogLevel.Information, "{AppName} stopped")]
        public static partial void Stopped(ILogger logger, string appName);
    }
}
