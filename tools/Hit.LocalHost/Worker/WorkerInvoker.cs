using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Runs one invocation on the current worker and performs its output bindings: the worker returns queue and blob
/// outputs in <c>output_data</c> / <c>return_value</c>, and the host does the writes (as the Functions host does).
/// </summary>
internal sealed partial class WorkerInvoker(WorkerSupervisor supervisor, AppSettings settings, StorageClients storage, QueueOptions queueOptions, TimeSpan? functionTimeout, ILogger logger)
{
    /// <summary>Waits (bounded by the caller's token) for a ready worker during a restart.</summary>
    public Task<WorkerChannel> ChannelAsync(CancellationToken cancellationToken) => supervisor.Current.WaitAsync(cancellationToken);

    public static InvocationRequest NewRequest(WorkerFunction function, string? invocationId = null)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId ?? Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = Activity.Current?.Id ?? string.Empty, TraceState = Activity.Current?.TraceStateString ?? string.Empty },
        };
        return request;
    }

    /// <summary>Invokes and, on success, applies the outputs. Failure throws <see cref="FunctionInvocationException"/>.</summary>
    public async Task<InvocationResponse> InvokeAsync(WorkerFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
        var response = await InvokeOnAsync(channel, function, request, cancellationToken).ConfigureAwait(false);
        await ApplyOutputsAsync(function, request, response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>Sends the invocation to <paramref name="channel"/> and checks its status; no outputs are applied.</summary>
    public async Task<InvocationResponse> InvokeOnAsync(WorkerChannel channel, WorkerFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (functionTimeout is { } limit)
        {
            // functionTimeout: the host cancels the invocation when it runs longer.
            timeout.CancelAfter(limit);
        }

        InvocationResponse response;
        try
        {
            response = await channel.InvokeAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (WorkerUnavailableException ex)
        {
            Log.Failed(logger, function.Name, request.InvocationId, stopwatch.ElapsedMilliseconds, ex.Message);
            throw new FunctionInvocationException(function.Name, ex.Message, ex);
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            var reason = response.Result?.Status == StatusResult.Types.Status.Cancelled
                ? "cancelled"
                : response.Result?.Exception is { } e ? $"{e.Type}: {e.Message}" : response.Result?.Result ?? "no result";
            Log.Failed(logger, function.Name, request.InvocationId, stopwatch.ElapsedMilliseconds, reason);
            throw new FunctionInvocationException(function.Name, reason);
        }

        Log.Succeeded(logger, function.Name, request.InvocationId, stopwatch.ElapsedMilliseconds);
        return response;
    }

    public async Task ApplyOutputsAsync(WorkerFunction function, InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        foreach (var binding in function.Outputs)
        {
            if (binding.Is("http"))
            {
                continue;
            }

            var value = binding.Name == "$return"
                ? response.ReturnValue
                : response.OutputData.FirstOrDefault(o => string.Equals(o.Name, binding.Name, StringComparison.Ordinal))?.Data;
            var items = TypedValues.ToItems(value);
            if (items.Count == 0)
            {
                continue;
            }

            if (binding.Is("queue"))
            {
                var queueName = Resolve(binding.Get("queueName") ?? string.Empty, request).ToLowerInvariant();
                var queue = storage.Queues(binding.Get("connection")).GetQueueClient(queueName);
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var item in items)
                {
                    var text = queueOptions.Base64Encoding ? Convert.ToBase64String(item.ToMemory().Span) : item.ToString();
                    await queue.SendMessageAsync(text, cancellationToken).ConfigureAwait(false);
                }

                Log.Output(logger, function.Name, items.Count, "queue " + queueName);
            }
            else if (binding.Is("blob"))
            {
                // The Worker SDK writes blob output paths as "blobPath" (function.json used "path").
                var path = Resolve(binding.Get("blobPath") ?? binding.Get("path") ?? string.Empty, request);
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == path.Length - 1)
                {
                    throw new FunctionInvocationException(function.Name, $"The blob output path '{path}' is not 'container/name'.");
                }

                var container = storage.Blobs(binding.Get("connection")).GetBlobContainerClient(path[..slash]);
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await container.GetBlobClient(path[(slash + 1)..]).UploadAsync(items[^1], overwrite: true, cancellationToken).ConfigureAwait(false);
                Log.Output(logger, function.Name, 1, "blob " + path);
            }
            else
            {
                Log.UnsupportedOutput(logger, function.Name, binding.Type);
            }
        }
    }

    /// <summary><c>%Setting%</c> and <c>{expression}</c> in queue names and blob paths, from the trigger metadata.</summary>
    internal string Resolve(string template, InvocationRequest request) =>
        Expression().Replace(settings.ResolvePercentExpressions(template), match =>
        {
            var key = match.Groups[1].Value;
            if (key.Equals("rand-guid", StringComparison.OrdinalIgnoreCase))
            {
                return Guid.NewGuid().ToString("D");
            }

            if (key.Equals("DateTime", StringComparison.OrdinalIgnoreCase))
            {
                return DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture);
            }

            var entry = request.TriggerMetadata.FirstOrDefault(m => m.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
            return entry.Value is { } data && TypedValues.AsText(data) is { } text
                ? text
                : throw new InvalidOperationException($"No value for the binding expression '{{{key}}}' in '{template}'.");
        });

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex Expression();

    private static partial class Log
    {
        [LoggerMessage(330, LogLevel.Information, "Executed '{FunctionName}' (Succeeded, Id={InvocationId}, Duration={ElapsedMilliseconds}ms)")]
        public static partial void Succeeded(ILogger logger, string functionName, string invocationId, long elapsedMilliseconds);

        [LoggerMessage(331, LogLevel.Error, "Executed '{FunctionName}' (Failed, Id={InvocationId}, Duration={ElapsedMilliseconds}ms): {Reason}")]
        public static partial void Failed(ILogger logger, string functionName, string invocationId, long elapsedMilliseconds, string reason);

        [LoggerMessage(332, LogLevel.Debug, "{FunctionName}: wrote {Count} output(s) to {Target}")]
        public static partial void Output(ILogger logger, string functionName, int count, string target);

        [LoggerMessage(333, LogLevel.Warning, "{FunctionName}: output binding type {BindingType} is not supported by the local host; the value is dropped")]
        public static partial void UnsupportedOutput(ILogger logger, string functionName, string bindingType);
    }
}

/// <summary>An invocation that failed in the worker, was cancelled, or could not reach a worker.</summary>
public sealed class FunctionInvocationException : Exception
{
    public FunctionInvocationException()
    {
    }

    public FunctionInvocationException(string message)
        : base(message)
    {
    }

    public FunctionInvocationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionInvocationException(string functionName, string reason, Exception? innerException = null)
        : base($"Exception while executing function: Functions.{functionName}: {reason}", innerException)
    {
        FunctionName = functionName;
    }

    public string? FunctionName { get; }
}
