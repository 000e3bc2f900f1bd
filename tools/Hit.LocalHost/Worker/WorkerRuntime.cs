using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Http;
using Hit.LocalHost.Triggers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Runs an isolated-worker app root: the gRPC endpoint, the worker process, the HTTP front end, queue listeners,
/// blob triggers (watcher and Event Grid webhook) and output bindings. <see cref="LocalFunctionsHost"/> picks it for
/// app roots with a <c>worker.config.json</c>.
/// </summary>
internal sealed partial class WorkerRuntime : IAsyncDisposable
{
    private readonly LocalFunctionsHostOptions _options;
    private readonly string _appName;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _listeners = [];
    private readonly Dictionary<string, WorkerBlobTrigger> _blobTriggers = new(StringComparer.OrdinalIgnoreCase);
    private RpcServer? _rpc;
    private WorkerSupervisor? _supervisor;
    private WorkerHttpServer? _http;
    private HttpForwarder? _forwarder;
    private WorkerInvoker? _invoker;
    private List<WorkerFunction> _functions = [];

    public WorkerRuntime(LocalFunctionsHostOptions options, string appName)
    {
        _options = options;
        _appName = appName;
        _logger = options.Logger;
    }

    public Uri BaseAddress => _http?.BaseAddress ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The current worker's own HTTP server (HttpUri).</summary>
    public Uri HandlerAddress =>
        _supervisor?.Current is { IsCompletedSuccessfully: true } current && current.Result.HttpUri is { } uri
            ? uri
            : throw new InvalidOperationException("No worker is ready.");

    public int? ProcessId => _supervisor?.ProcessId;

    public IReadOnlyList<string> Functions => _functions.Select(f => f.Name).ToList();

    public IReadOnlyList<string> Routes => _http?.Routes ?? [];

    public Task Faulted => _supervisor?.Faulted ?? Task.CompletedTask;

    /// <summary>The HTTP pipeline for in-process dispatch by the gateway.</summary>
    public Microsoft.AspNetCore.Http.RequestDelegate Pipeline => _http?.Pipeline ?? throw new InvalidOperationException("The host is not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var app = await WorkerAppRoot.LoadAsync(_options.AppRoot, cancellationToken).ConfigureAwait(false);
        var settings = new AppSettings(_options.Settings);
        var queueOptions = _options.MaxQueuePollingInterval is { } interval ? app.Queues with { MaxPollingInterval = interval } : app.Queues;
        Log.Starting(_logger, _appName, app.RootPath);

        _rpc = new RpcServer(_logger);
        await _rpc.StartAsync(cancellationToken).ConfigureAwait(false);
        _supervisor = new WorkerSupervisor(app, settings, _rpc, new RestartPolicy(_options.MaxHandlerErrors, _options.RestartWindow), _options.WorkerStartTimeout, _logger);
        var loaded = await _supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
        // The AzureWebJobs.<Name>.Disabled setting turns a function off, as in the host.
        _functions = loaded.Where(f => !(bool.TryParse(settings.Get($"AzureWebJobs.{f.Name}.Disabled"), out var off) && off)).ToList();

        var storage = new StorageClients(settings);
        var invoker = _invoker = new WorkerInvoker(_supervisor, settings, storage, queueOptions, app.FunctionTimeout, _logger);
        _forwarder = new HttpForwarder(new RetryProxyHandler(HttpForwarder.CreateHandler()));
        _http = new WorkerHttpServer(app, _functions, _options.Port, invoker, _forwarder, BlobWebhookAsync, _logger);
        await _http.StartAsync(cancellationToken).ConfigureAwait(false);
        StartTriggers(settings, storage, queueOptions, invoker);
        Log.Started(_logger, _appName, _http.BaseAddress, _functions.Count);
    }

    private void StartTriggers(AppSettings settings, StorageClients storage, QueueOptions queueOptions, WorkerInvoker invoker)
    {
        var hostId = _options.HostId ?? settings.Get("AzureFunctionsWebHost__hostid") ?? LocalFunctionsHost.DefaultHostId(_appName);
        foreach (var function in _functions)
        {
            var trigger = function.Trigger;
            if (trigger is null || trigger.Is("httpTrigger"))
            {
                continue;
            }

            if (trigger.Is("queueTrigger"))
            {
                var queues = storage.Queues(trigger.Get("connection"));
                var name = settings.ResolvePercentExpressions(trigger.Get("queueName") ?? string.Empty).ToLowerInvariant();
                var listener = new WorkerQueueListener(function, trigger, queues.GetQueueClient(name), queues.GetQueueClient(name + "-poison"),
                    queueOptions, _options.QueueMessageLease, invoker, _logger);
                _listeners.Add(RunListenerAsync(function.Name, listener.RunAsync));
            }
            else if (trigger.Is("blobTrigger"))
            {
                var pattern = BlobPathPattern.Parse(settings.ResolvePercentExpressions(trigger.Get("path") ?? string.Empty));
                var blobTrigger = new WorkerBlobTrigger(function, trigger, pattern, storage.Blobs(trigger.Get("connection")),
                    storage.Blobs(null), storage.Queues(null), hostId, _options.BlobPollingInterval, invoker, _logger);
                _blobTriggers[function.Name] = blobTrigger;
                _listeners.Add(RunListenerAsync(function.Name, blobTrigger.RunWatcherAsync));
            }
            else
            {
                Log.UnsupportedTrigger(_logger, function.Name, trigger.Type);
            }
        }
    }

    /// <summary>
    /// The reference path for overhead benchmarks: <paramref name="message"/> (a path relative to the worker's HttpUri)
    /// goes straight to the worker with <c>x-ms-invocation-id</c> while its invocation goes over gRPC — the minimum any
    /// host must do — without the host's HTTP listener, routing or proxy.
    /// </summary>
    internal async Task<HttpResponseMessage> SendDirectAsync(string functionName, HttpRequestMessage message, IReadOnlyDictionary<string, string> routeValues,
        HttpMessageInvoker client, CancellationToken cancellationToken)
    {
        var function = _functions.Single(f => f.Name == functionName);
        var channel = await _supervisor!.Current.WaitAsync(cancellationToken).ConfigureAwait(false);
        var request = WorkerInvoker.NewRequest(function);
        request.InputData.Add(new Rpc.ParameterBinding { Name = function.Trigger!.Name, Data = new Rpc.TypedData { Http = new Rpc.RpcHttp() } });
        foreach (var (key, value) in routeValues)
        {
            request.TriggerMetadata[key] = TypedValues.String(value);
        }

        request.TriggerMetadata["Query"] = TypedValues.Json(new JsonObject());
        request.TriggerMetadata["Headers"] = TypedValues.Json(new JsonObject());
        message.RequestUri = new Uri(channel.HttpUri!, message.RequestUri!.OriginalString.TrimStart('/'));
        message.Headers.TryAddWithoutValidation("x-ms-invocation-id", request.InvocationId);
        var invocation = _invoker!.InvokeOnAsync(channel, function, request, cancellationToken);
        var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await invocation.ConfigureAwait(false);
        return response;
    }

    private async Task RunListenerAsync(string functionName, Func<CancellationToken, Task> run)
    {
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
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or InvalidOperationException or AggregateException)
            {
                // Storage may come up after the host (the CLI starts both): keep trying like the host's listeners do.
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

    /// <summary>
    /// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.&lt;Name&gt;</c>: the Event Grid subscription's endpoint.
    /// Answers the validation handshake and queues a delivery for each BlobCreated event.
    /// </summary>
    private async Task BlobWebhookAsync(HttpContext context)
    {
        var name = context.Request.Query["functionName"].ToString();
        if (name.StartsWith("Host.Functions.", StringComparison.Ordinal))
        {
            name = name["Host.Functions.".Length..];
        }

        if (!_blobTriggers.TryGetValue(name, out var trigger) || !trigger.IsEventGrid)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var events = body switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };

        if (string.Equals(context.Request.Headers["aeg-event-type"], "SubscriptionValidation", StringComparison.OrdinalIgnoreCase))
        {
            var code = events.Select(e => e["data"]?["validationCode"]?.GetValue<string>()).FirstOrDefault(c => c is not null);
            if (code is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["validationResponse"] = code }, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        foreach (var e in events)
        {
            if (e["eventType"]?.GetValue<string>() == "Microsoft.Storage.BlobCreated"
                && e["data"]?["url"]?.GetValue<string>() is { } url
                && trigger.TryParseBlobUrl(url, out var container, out var blobName)
                && container.Equals(trigger.Container, StringComparison.Ordinal))
            {
                // Like the host, answer Event Grid at once; the delivery observes the host's stopping token.
                _ = DeliverInBackgroundAsync(trigger, blobName);
            }
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task DeliverInBackgroundAsync(WorkerBlobTrigger trigger, string blobName)
    {
        await Task.Yield();
        try
        {
            await trigger.DeliverAsync(blobName, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Azure.RequestFailedException or HttpRequestException)
        {
            Log.ListenerFailed(_logger, trigger.FunctionName, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_listeners.ToArray()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Azure.RequestFailedException)
        {
            Log.ListenerFailed(_logger, _appName, ex);
        }

        if (_http is not null)
        {
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        if (_supervisor is not null)
        {
            await _supervisor.DisposeAsync().ConfigureAwait(false);
        }

        if (_rpc is not null)
        {
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }

        _forwarder?.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(370, LogLevel.Information, "Starting {AppName} from {AppRoot} (isolated worker)")]
        public static partial void Starting(ILogger logger, string appName, string appRoot);

        [LoggerMessage(371, LogLevel.Information, "{AppName} is listening on {Address} ({FunctionCount} functions)")]
        public static partial void Started(ILogger logger, string appName, Uri address, int functionCount);

        [LoggerMessage(372, LogLevel.Warning, "{FunctionName}: trigger type {TriggerType} is not supported by the local host; the function is not triggered")]
        public static partial void UnsupportedTrigger(ILogger logger, string functionName, string triggerType);

        [LoggerMessage(373, LogLevel.Error, "{FunctionName}: trigger listener failed; retrying in 2 s")]
        public static partial void ListenerFailed(ILogger logger, string functionName, Exception exception);
    }
}
