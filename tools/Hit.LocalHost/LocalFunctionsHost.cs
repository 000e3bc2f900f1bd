using System.Text.RegularExpressions;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Handler;
using Hit.LocalHost.Http;
using Hit.LocalHost.Invocation;
using Hit.LocalHost.Storage;
using Hit.LocalHost.Triggers;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost;

/// <summary>
/// Runs a Functions app root the way the Azure Functions host does. An isolated-worker app root (worker.config.json,
/// from the Worker SDK) runs under <see cref="Worker.WorkerRuntime"/>: the worker process over the gRPC worker
/// protocol. A custom-handler app root (host.json customHandler; the model being retired) starts the handler process,
/// serves the declared HTTP routes (forwarded or as JSON envelopes), polls queue and blob triggers and applies
/// queue/blob output bindings.
/// </summary>
public sealed partial class LocalFunctionsHost : IAsyncDisposable
{
    private readonly LocalFunctionsHostOptions _options;
    private readonly ILogger _logger;
    private readonly IStorageAccountFactory _storage;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _listeners = [];
    private AppRoot? _app;
    private HandlerSupervisor? _handler;
    private HttpForwarder? _forwarder;
    private FunctionHttpServer? _http;
    private Worker.WorkerRuntime? _worker;
    private Task _completion = Task.CompletedTask;
    private int _state;

    public LocalFunctionsHost(LocalFunctionsHostOptions options)
        : this(options, new PlatformStorageAccountFactory())
    {
    }

    internal LocalFunctionsHost(LocalFunctionsHostOptions options, IStorageAccountFactory storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = options.Logger;
        _storage = storage;
        AppName = options.AppName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.AppRoot)));
    }

    public string AppName { get; }

    /// <summary>The HTTP listener, e.g. <c>http://127.0.0.1:7072/</c>. Valid after <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress => _worker?.BaseAddress ?? _http?.BaseAddress ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>
    /// The handler's own address — for a worker app, the current worker's HttpUri (for measuring host overhead
    /// against direct calls).
    /// </summary>
    public Uri HandlerAddress => _worker?.HandlerAddress ?? _handler?.BaseAddress ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The current handler (or worker) process id, or null when none runs.</summary>
    public int? HandlerProcessId => _worker is not null ? _worker.ProcessId : _handler?.ProcessId;

    /// <summary>The function names found in the app root (for a worker app, the ones the worker loaded).</summary>
    public IReadOnlyList<string> Functions => _worker?.Functions ?? _app?.Functions.Select(f => f.Name).ToList() ?? [];

    /// <summary>HTTP routes served, as "METHODS /route".</summary>
    public IReadOnlyList<string> Routes => _worker?.Routes ?? _http?.Routes ?? [];

    /// <summary>
    /// For a worker app, the host's HTTP pipeline as a delegate the gateway runs in-process (null for custom handlers,
    /// which the gateway reaches over HTTP).
    /// </summary>
    internal Microsoft.AspNetCore.Http.RequestDelegate? InProcessPipeline => _worker?.Pipeline;

    /// <summary>Whether the app root is an isolated-worker app (as opposed to a custom handler).</summary>
    public bool IsWorkerApp => _worker is not null;

    /// <summary>
    /// Completes when the host stops; faults with a clear error when the handler exceeded its restart budget
    /// (3 crashes within 30 minutes by default), after which the host has shut itself down.
    /// </summary>
    public Task Completion => _completion;

    /// <summary>Benchmarks' reference path for a worker app: see <see cref="Worker.WorkerRuntime.SendDirectAsync"/>.</summary>
    internal Task<HttpResponseMessage> SendDirectToWorkerAsync(string functionName, HttpRequestMessage message, IReadOnlyDictionary<string, string> routeValues,
        HttpMessageInvoker client, CancellationToken cancellationToken = default) =>
        (_worker ?? throw new InvalidOperationException("Not an isolated-worker app.")).SendDirectAsync(functionName, message, routeValues, client, cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The host was already started.");
        }

        if (Worker.WorkerAppRoot.IsWorkerAppRoot(_options.AppRoot))
        {
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
            return;
        }

        var settings = new AppSettings(_options.Settings);
        var loaded = await AppRoot.LoadAsync(_options.AppRoot, cancellationToken).ConfigureAwait(false);
        // "disabled" in function.json or the AzureWebJobs.<Name>.Disabled app setting, as in the host.
        _app = loaded with
        {
            Functions = loaded.Functions
                .Select(f => f with { Disabled = f.Disabled || bool.TryParse(settings.Get($"AzureWebJobs.{f.Name}.Disabled"), out var off) && off })
                .ToList(),
        };
        var host = _app.Host;
        var queueOptions = _options.MaxQueuePollingInterval is { } interval ? host.Queues with { MaxPollingInterval = interval } : host.Queues;
        Log.Starting(_logger, AppName, _app.RootPath, _app.Functions.Count);

        _handler = new HandlerSupervisor(_app, settings, new RestartPolicy(_options.MaxHandlerErrors, _options.RestartWindow), _logger);
        _forwarder = new HttpForwarder();
        // DefaultHttpWorkerService: functionTimeout + 1 min, effectively infinite when unset.
        var invocationTimeout = host.FunctionTimeout is { } functionTimeout ? functionTimeout + TimeSpan.FromMinutes(1) : Timeout.InfiniteTimeSpan;
        var invoker = new InvocationClient(_forwarder.Invoker, _handler, invocationTimeout, _logger);
        var outputs = new OutputBinder(settings, _storage, queueOptions, _logger);
        _http = new FunctionHttpServer(_app, _options.Port, _handler, _forwarder, invoker, outputs, _logger);

        try
        {
            await _handler.StartAsync(cancellationToken).ConfigureAwait(false);
            await _http.StartAsync(cancellationToken).ConfigureAwait(false);
            StartTriggerListeners(settings, queueOptions, invoker, outputs);
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }

        _completion = MonitorAsync(_handler.Faulted);
        Log.Started(_logger, AppName, _http.BaseAddress);
    }

    private void StartTriggerListeners(AppSettings settings, QueueOptions queueOptions, InvocationClient invoker, OutputBinder outputs)
    {
        var hostId = _options.HostId ?? settings.Get("AzureFunctionsWebHost__hostid") ?? DefaultHostId(AppName);
        foreach (var function in _app!.Functions.Where(f => !f.Disabled))
        {
            var trigger = function.Trigger;
            if (trigger is null || trigger.Is("httpTrigger"))
            {
                continue;
            }

            if (trigger.Is("queueTrigger"))
            {
                var account = _storage.Create(settings.GetStorageConnectionString(trigger.Get("connection")));
                var queueName = settings.ResolvePercentExpressions(trigger.Get("queueName") ?? string.Empty).ToLowerInvariant();
                var listener = new QueueTriggerListener(function, trigger, queueName, queueOptions, account, invoker, outputs, _options.QueueMessageLease, _logger);
                _listeners.Add(RunListenerAsync(function.Name, listener.RunAsync));
            }
            else if (trigger.Is("blobTrigger"))
            {
                var account = _storage.Create(settings.GetStorageConnectionString(trigger.Get("connection")));
                var pattern = BlobPathPattern.Parse(settings.ResolvePercentExpressions(trigger.Get("path") ?? string.Empty));
                var listener = new BlobTriggerListener(function, trigger, pattern, account, hostId, _options.BlobPollingInterval, invoker, outputs, _logger);
                _listeners.Add(RunListenerAsync(function.Name, listener.RunAsync));
            }
            else
            {
                Log.UnsupportedTrigger(_logger, function.Name, trigger.Type);
            }
        }
    }

    private async Task RunListenerAsync(string functionName, Func<CancellationToken, Task> run)
    {
        // Yield so a slow first storage call does not hold up StartAsync.
        await Task.Yield();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await run(_stopping.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidDataException || StorageErrors.IsRecoverable(ex))
            {
                // Storage may come up after the host (the CLI starts both); keep trying like the host's listeners do.
                Log.ListenerFailed(_logger, functionName, ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
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

    /// <summary>Stops trigger polling and the HTTP listener and kills the handler process tree.</summary>
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
            Log.Stopped(_logger, AppName);
            return;
        }

        try
        {
            // Listeners log their own failures; a faulted one must not keep the handler alive.
            await Task.WhenAll(_listeners).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || StorageErrors.IsRecoverable(ex))
        {
            Log.ListenerStopFailed(_logger, ex);
        }
        finally
        {
            try
            {
                if (_http is not null)
                {
                    await _http.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                if (_handler is not null)
                {
                    await _handler.DisposeAsync().ConfigureAwait(false);
                }

                _forwarder?.Dispose();
            }
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
        [LoggerMessage(100, LogLevel.Information, "Starting {AppName} from {AppRoot} ({FunctionCount} functions)")]
        public static partial void Starting(ILogger logger, string appName, string appRoot, int functionCount);

        [LoggerMessage(101, LogLevel.Information, "{AppName} is listening on {Address}")]
        public static partial void Started(ILogger logger, string appName, Uri address);

        [LoggerMessage(102, LogLevel.Information, "{AppName} stopped")]
        public static partial void Stopped(ILogger logger, string appName);

        [LoggerMessage(103, LogLevel.Warning, "{FunctionName}: trigger type {TriggerType} is not supported by the local host; the function is not triggered")]
        public static partial void UnsupportedTrigger(ILogger logger, string functionName, string triggerType);

        [LoggerMessage(105, LogLevel.Debug, "A trigger listener ended with an error while stopping")]
        public static partial void ListenerStopFailed(ILogger logger, Exception exception);

        [LoggerMessage(104, LogLevel.Error, "{FunctionName}: trigger listener failed; retrying in 2 s")]
        public static partial void ListenerFailed(ILogger logger, string functionName, Exception exception);
    }
}
