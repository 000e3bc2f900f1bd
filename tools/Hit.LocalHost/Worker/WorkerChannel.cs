using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// One worker process's <c>EventStream</c>, host side: the handshake (init → metadata → one load per function),
/// invocations matched to their responses by id, cancellation, and the worker's logs relayed to the host logger.
/// </summary>
internal sealed partial class WorkerChannel
{
    /// <summary>The host version the worker is told (the Functions host 4.x line the project was measured against).</summary>
    public const string HostVersion = "4.1044.0.0";

    private readonly WorkerAppRoot _app;
    private readonly ILogger _logger;
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _invocationFunctions = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<IReadOnlyList<WorkerFunction>> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, WorkerFunction> _loading = new(StringComparer.Ordinal);
    private readonly List<WorkerFunction> _loaded = [];
    private Dictionary<string, string> _functionNames = new(StringComparer.Ordinal);
    private volatile bool _open = true;

    public WorkerChannel(string workerId, WorkerAppRoot app, ILogger logger)
    {
        WorkerId = workerId;
        _app = app;
        _logger = logger;
    }

    public string WorkerId { get; }

    /// <summary>The worker's own HTTP server (capability <c>HttpUri</c>), where HTTP requests are proxied.</summary>
    public Uri? HttpUri { get; private set; }

    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>Completes with the loaded functions once every FunctionLoadResponse arrived.</summary>
    public Task<IReadOnlyList<WorkerFunction>> Ready => _ready.Task;

    /// <summary>Completes when the stream ends (the worker exited or disconnected).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Serves the stream after the worker's StartStream; returns when either side ends it.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        var writer = WriteLoopAsync(responses, cancellationToken);
        try
        {
            Send(new StreamingMessage
            {
                WorkerInitRequest = new WorkerInitRequest
                {
                    HostVersion = HostVersion,
                    WorkerDirectory = _app.RootPath,
                    FunctionAppDirectory = _app.RootPath,
                    // Measured: the .NET worker needs nothing more from the host to start.
                    Capabilities = { ["MultiStream"] = "true" },
                },
            });

            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The worker went away (killed, crashed) or the host is stopping: handled as a closed channel below.
        }
        finally
        {
            Close("the worker's event stream ended");
            _outbound.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            // gRPC allows one pending write per stream: every outbound message goes through this single loop.
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or Grpc.Core.RpcException)
        {
            Log.WriteStopped(_logger, WorkerId, ex.Message);
        }
    }

    private void Send(StreamingMessage message)
    {
        if (!_outbound.Writer.TryWrite(message))
        {
            throw new WorkerUnavailableException("The worker's event stream is closed.");
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                OnInit(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                OnMetadata(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                OnLoad(message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryRemove(message.InvocationResponse.InvocationId, out var pending))
                {
                    _invocationFunctions.TryRemove(message.InvocationResponse.InvocationId, out _);
                    pending.TrySetResult(message.InvocationResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                Relay(message.RpcLog);
                break;
            default:
                // WorkerStatusResponse, and the empty answer the worker sends to WorkerTerminate.
                break;
        }
    }

    private void OnInit(WorkerInitResponse response)
    {
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            _ready.TrySetException(new WorkerUnavailableException($"The worker failed to initialise: {Describe(response.Result)}"));
            return;
        }

        Capabilities = new Dictionary<string, string>(response.Capabilities);
        HttpUri = response.Capabilities.TryGetValue("HttpUri", out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null;
        Log.Initialised(_logger, WorkerId, response.WorkerMetadata?.RuntimeVersion ?? "?", response.WorkerMetadata?.WorkerVersion ?? "?", HttpUri?.ToString() ?? "none");
        Send(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _app.RootPath } });
    }

    private void OnMetadata(FunctionMetadataResponse response)
    {
        if (response.UseDefaultMetadataIndexing)
        {
            _ready.TrySetException(new WorkerUnavailableException(
                "The worker asked for host indexing (function.json files); the local host runs worker-indexed apps only."));
            return;
        }

        if (response.Result is { Status: not StatusResult.Types.Status.Success })
        {
            _ready.TrySetException(new WorkerUnavailableException($"The worker could not index its functions: {Describe(response.Result)}"));
            return;
        }

        var functions = new List<WorkerFunction>();
        foreach (var metadata in response.FunctionMetadataResults)
        {
            try
            {
                functions.Add(WorkerFunction.From(metadata));
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException)
            {
                Log.BadMetadata(_logger, metadata.Name, ex.Message);
            }
        }

        _functionNames = functions.ToDictionary(f => f.FunctionId, f => f.Name, StringComparer.Ordinal);
        if (functions.Count == 0)
        {
            _ready.TrySetResult([]);
            return;
        }

        lock (_loading)
        {
            foreach (var function in functions)
            {
                _loading[function.FunctionId] = function;
            }
        }

        // The .NET worker does not announce SupportsLoadResponseCollection: one load request per function.
        foreach (var function in functions)
        {
            Send(new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function.Metadata } });
        }
    }

    private void OnLoad(FunctionLoadResponse response)
    {
        bool done;
        lock (_loading)
        {
            if (!_loading.Remove(response.FunctionId, out var function))
            {
                return;
            }

            if (response.Result?.Status == StatusResult.Types.Status.Success)
            {
                _loaded.Add(function);
            }
            else
            {
                Log.LoadFailed(_logger, function.Name, Describe(response.Result));
            }

            done = _loading.Count == 0;
        }

        if (done)
        {
            _ready.TrySetResult(_loaded.OrderBy(f => f.Name, StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>Sends an invocation and waits for its response; cancelling sends InvocationCancel and keeps waiting for the worker's answer.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = pending;
        _invocationFunctions[request.InvocationId] = _functionNames.GetValueOrDefault(request.FunctionId, request.FunctionId);
        if (!_open)
        {
            _invocations.TryRemove(request.InvocationId, out _);
            throw new WorkerUnavailableException("The worker is not running.");
        }

        Send(new StreamingMessage { InvocationRequest = request });
        await using var registration = cancellationToken.Register(() =>
        {
            // HandlesInvocationCancelMessage: the worker cancels FunctionContext.CancellationToken and answers Cancelled.
            _outbound.Writer.TryWrite(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
        }).ConfigureAwait(false);
        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Asks the worker to exit (it answers with an empty message and exits 0).</summary>
    public void Terminate(TimeSpan gracePeriod) =>
        _outbound.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(gracePeriod) } });

    /// <summary>Fails everything waiting on this worker: its invocations and, before it was ready, its start.</summary>
    public void Close(string reason)
    {
        _open = false;
        var error = new WorkerUnavailableException($"The worker is gone: {reason}.");
        _ready.TrySetException(error);
        foreach (var id in _invocations.Keys)
        {
            if (_invocations.TryRemove(id, out var pending))
            {
                pending.TrySetException(error);
            }
        }

        _outbound.Writer.TryComplete();
        _closed.TrySetResult();
    }

    private void Relay(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };

        // The host files user logs under Function.<Name>.User and the worker's own under its category;
        // host.json logging.logLevel filters on those names.
        var function = log.InvocationId is { Length: > 0 } id ? _invocationFunctions.GetValueOrDefault(id) : null;
        var category = log.LogCategory == RpcLog.Types.RpcLogCategory.User && function is not null
            ? $"Function.{function}.User"
            : log.Category is { Length: > 0 } c ? c : "Worker";
        if (!_app.LogLevels.IsEnabled(category, level))
        {
            return;
        }

        var exception = log.Exception is { } e ? $" {e.Type}: {e.Message}" : string.Empty;
        Log.WorkerLog(_logger, level, category, log.Message + exception);
    }

    private static string Describe(StatusResult? result) =>
        result is null ? "no result" : result.Exception is { } e ? $"{e.Type}: {e.Message}" : result.Result;

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "Worker {WorkerId} initialised (runtime {RuntimeVersion}, worker {WorkerVersion}, HttpUri {HttpUri})")]
        public static partial void Initialised(ILogger logger, string workerId, string runtimeVersion, string workerVersion, string httpUri);

        [LoggerMessage(301, LogLevel.Error, "{FunctionName}: the worker failed to load the function: {Reason}")]
        public static partial void LoadFailed(ILogger logger, string functionName, string reason);

        [LoggerMessage(302, LogLevel.Error, "{FunctionName}: unusable function metadata: {Reason}")]
        public static partial void BadMetadata(ILogger logger, string functionName, string reason);

        [LoggerMessage(EventId = 303, Message = "[{Category}] {Message}")]
        public static partial void WorkerLog(ILogger logger, LogLevel level, string category, string message);

        [LoggerMessage(304, LogLevel.Debug, "Worker {WorkerId}: stopped writing to the event stream ({Reason})")]
        public static partial void WriteStopped(ILogger logger, string workerId, string reason);
    }
}

/// <summary>The worker cannot take the invocation: not started yet, restarting, or gone for good.</summary>
public sealed class WorkerUnavailableException : Exception
{
    public WorkerUnavailableException()
    {
    }

    public WorkerUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
