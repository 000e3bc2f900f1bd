using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Triggers;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// A blob trigger. With <c>Source = EventGrid</c> the real host is told about new blobs by Event Grid through
/// <c>/runtime/webhooks/blobs</c>; Azurite emits no events, so locally a container watcher delivers the same invocation
/// for every blob it has not seen. Either way a blob (by ETag) runs once: after success a receipt is written under
/// <c>azure-webjobs-hosts/blobreceipts/&lt;hostId&gt;/Host.Functions.&lt;Fn&gt;/&lt;etag&gt;/&lt;container&gt;/&lt;blob&gt;</c>
/// (the host's BlobReceiptManager layout), so a restart does not re-run it; after 5 failures the blob goes to
/// <c>webjobs-blobtrigger-poison</c> and gets a receipt too. Several hosts with one host id (scale-out, or two local
/// hosts on one Azurite) coordinate through the receipt as the real host does: it is created <c>Incomplete</c> and
/// leased before the invocation, so only the lease holder runs the blob (<see cref="ReceiptClaim"/>).
/// </summary>
internal sealed partial class WorkerBlobTrigger
{
    public const string ReceiptContainer = "azure-webjobs-hosts";
    public const string PoisonQueue = "webjobs-blobtrigger-poison";
    private const int MaxAttempts = 5;

    private readonly WorkerFunction _function;
    private readonly BindingDefinition _trigger;
    private readonly BlobPathPattern _pattern;
    private readonly BlobServiceClient _blobs;
    private readonly BlobContainerClient _receipts;
    private readonly QueueClient _poison;
    private readonly string _hostId;
    private readonly TimeSpan _pollingInterval;
    private readonly WorkerInvoker _invoker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    public WorkerBlobTrigger(WorkerFunction function, BindingDefinition trigger, BlobPathPattern pattern, BlobServiceClient blobs,
        BlobServiceClient hostBlobs, QueueServiceClient hostQueues, string hostId, TimeSpan pollingInterval, WorkerInvoker invoker, ILogger logger)
    {
        _function = function;
        _trigger = trigger;
        _pattern = pattern;
        _blobs = blobs;
        _receipts = hostBlobs.GetBlobContainerClient(ReceiptContainer);
        _poison = hostQueues.GetQueueClient(PoisonQueue);
        _hostId = hostId;
        _pollingInterval = pollingInterval;
        _invoker = invoker;
        _logger = logger;
    }

    public string FunctionName => _function.Name;

    public string Container => _pattern.Container;

    public bool IsEventGrid => string.Equals(_trigger.Get("source"), "EventGrid", StringComparison.OrdinalIgnoreCase);

    /// <summary>The container watcher: the local stand-in for Event Grid (and the real host's scan for polling triggers).</summary>
    public async Task RunWatcherAsync(CancellationToken cancellationToken)
    {
        var container = _blobs.GetBlobContainerClient(_pattern.Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _receipts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.Watching(_logger, _function.Name, _pattern.Container, IsEventGrid ? "Event Grid source: local container watcher" : "container scan");
        while (!cancellationToken.IsCancellationRequested)
        {
            var found = new List<BlobItem>();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, _pattern.Prefix, cancellationToken).ConfigureAwait(false))
            {
                if (_pattern.Match(item.Name) is not null && !_inFlight.ContainsKey(Key(item.Name, item.Properties.ETag?.ToString() ?? string.Empty)))
                {
                    found.Add(item);
                }
            }

            await Parallel.ForEachAsync(found, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (item, token) => await DeliverAsync(item.Name, token).ConfigureAwait(false)).ConfigureAwait(false);
            await Task.Delay(_pollingInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One blob, from the watcher or an Event Grid BlobCreated event: invoke unless its receipt exists.</summary>
    public async Task DeliverAsync(string blobName, CancellationToken cancellationToken)
    {
        var parameters = _pattern.Match(blobName);
        if (parameters is null)
        {
            return;
        }

        var blob = _blobs.GetBlobContainerClient(_pattern.Container).GetBlobClient(blobName);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return;
        }

        var etag = properties.ETag.ToString();
        var key = Key(blobName, etag);
        if (!_inFlight.TryAdd(key, 0))
        {
            return;
        }

        try
        {
            var receipt = _receipts.GetBlobClient(ReceiptName(blobName, etag));
            await using var claim = await ReceiptClaim.TryTakeAsync(receipt, cancellationToken).ConfigureAwait(false);
            if (claim is null)
            {
                return;
            }

            try
            {
                await InvokeAsync(blob, properties, parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FunctionInvocationException or RequestFailedException or InvalidOperationException)
            {
                var attempts = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
                Log.Failed(_logger, _function.Name, blobName, attempts, MaxAttempts);
                if (attempts < MaxAttempts)
                {
                    return;
                }

                await PoisonAsync(blobName, etag, cancellationToken).ConfigureAwait(false);
            }

            await claim.CompleteAsync(cancellationToken).ConfigureAwait(false);
            _attempts.TryRemove(key, out _);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task InvokeAsync(BlobClient blob, BlobProperties properties, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var request = WorkerInvoker.NewRequest(_function);
        var deferred = _trigger.Raw.GetObject("properties")?.GetString("supportsDeferredBinding") is { } flag
            && flag.Equals("true", StringComparison.OrdinalIgnoreCase);
        TypedData data;
        if (deferred)
        {
            // BlobClient/stream parameters: the worker opens the blob itself from this reference (ModelBindingData).
            data = TypedValues.BlobReference(StorageClients.ConnectionName(_trigger.Get("connection")), blob.BlobContainerName, blob.Name);
        }
        else
        {
            var content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            data = string.Equals(_trigger.DataType, "string", StringComparison.OrdinalIgnoreCase)
                ? TypedValues.String(content.ToString())
                : TypedValues.Bytes(content.ToMemory().Span);
        }

        request.InputData.Add(new ParameterBinding { Name = _trigger.Name, Data = data });
        request.TriggerMetadata["BlobTrigger"] = TypedValues.String($"{blob.BlobContainerName}/{blob.Name}");
        request.TriggerMetadata["Uri"] = TypedValues.Json(JsonValue.Create(blob.Uri.ToString()));
        request.TriggerMetadata["Properties"] = TypedValues.Json(new JsonObject
        {
            ["ContentLength"] = properties.ContentLength,
            ["ContentType"] = properties.ContentType,
            ["ETag"] = properties.ETag.ToString(),
            ["LastModified"] = properties.LastModified.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["CreatedOn"] = properties.CreatedOn.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
        var metadata = new JsonObject();
        foreach (var (name, value) in properties.Metadata)
        {
            metadata[name] = value;
        }

        request.TriggerMetadata["Metadata"] = TypedValues.Json(metadata);
        foreach (var (name, value) in parameters)
        {
            request.TriggerMetadata[name] = TypedValues.String(value);
        }

        await _invoker.InvokeAsync(_function, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task PoisonAsync(string blobName, string etag, CancellationToken cancellationToken)
    {
        // BlobTriggerMessage, as the host writes it (Base64 JSON).
        var message = new JsonObject
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = $"Host.Functions.{_function.Name}",
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = _pattern.Container,
            ["BlobName"] = blobName,
            ["ETag"] = etag,
        };
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _poison.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message.ToJsonString())), cancellationToken).ConfigureAwait(false);
        Log.Poisoned(_logger, _function.Name, blobName, MaxAttempts, PoisonQueue);
    }

    private string ReceiptName(string blobName, string etag) =>
        $"blobreceipts/{_hostId}/Host.Functions.{_function.Name}/{etag.Trim('"')}/{_pattern.Container}/{blobName}";

    private static string Key(string blobName, string etag) => blobName + "\n" + etag;

    /// <summary>Container and blob name of an event's <c>data.url</c> (account in the host name, or first in the path on Azurite).</summary>
    public bool TryParseBlobUrl(string url, out string container, out string blobName)
    {
        container = blobName = string.Empty;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
        var accountPrefix = _blobs.AccountName + "/";
        if (!uri.Host.StartsWith(_blobs.AccountName + ".", StringComparison.OrdinalIgnoreCase) && path.StartsWith(accountPrefix, StringComparison.Ordinal))
        {
            path = path[accountPrefix.Length..];
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            return false;
        }

        container = path[..slash];
        blobName = path[(slash + 1)..];
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(360, LogLevel.Information, "{FunctionName}: watching container {Container} ({Mode})")]
        public static partial void Watching(ILogger logger, string functionName, string container, string mode);

        [LoggerMessage(361, LogLevel.Warning, "{FunctionName}: blob {BlobName} failed (attempt {Attempt} of {MaxAttempts})")]
        public static partial void Failed(ILogger logger, string functionName, string blobName, int attempt, int maxAttempts);

        [LoggerMessage(362, LogLevel.Error, "{FunctionName}: blob {BlobName} failed {Attempts} times; moved to {PoisonQueue}")]
        public static partial void Poisoned(ILogger logger, string functionName, string blobName, int attempts, string poisonQueue);
    }
}
