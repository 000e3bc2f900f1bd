using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Invocation;
using Hit.LocalHost.Storage;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Triggers;

/// <summary>
/// Stand-in for the blob trigger (Event Grid cannot reach localhost): polls the container, invokes the
/// function for every new or changed blob (by ETag) matching the path, and records a receipt in
/// <c>azure-webjobs-hosts/blobreceipts/...</c> so a processed blob is never re-triggered, even across restarts.
/// Failures are retried on later polls; after <see cref="MaxAttempts"/> a message goes to
/// <c>webjobs-blobtrigger-poison</c> and a receipt stops further retries.
/// </summary>
internal sealed partial class BlobTriggerListener
{
    public const int MaxAttempts = 5;
    public const string ReceiptContainer = "azure-webjobs-hosts";
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    private readonly FunctionDefinition _function;
    private readonly BindingDefinition _trigger;
    private readonly BlobPathPattern _pattern;
    private readonly IStorageAccount _account;
    private readonly IHostBlobContainer _container;
    private readonly string _hostId;
    private readonly TimeSpan _interval;
    private readonly InvocationClient _invoker;
    private readonly OutputBinder _outputs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, string> _processed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public BlobTriggerListener(FunctionDefinition function, BindingDefinition trigger, BlobPathPattern pattern, IStorageAccount account,
        string hostId, TimeSpan interval, InvocationClient invoker, OutputBinder outputs, ILogger logger)
    {
        _function = function;
        _trigger = trigger;
        _pattern = pattern;
        _account = account;
        _container = account.GetContainer(pattern.Container);
        _hostId = hostId;
        _interval = interval;
        _invoker = invoker;
        _outputs = outputs;
        _logger = logger;
    }

    private string FunctionId => "Host.Functions." + _function.Name;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var receipts = _account.GetContainer(ReceiptContainer);
        await receipts.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        Log.Listening(_logger, _function.Name, _pattern.Container, _trigger.Get("source") ?? "LogsAndContainerScan");
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(receipts, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (StorageErrors.IsRecoverable(ex))
            {
                Log.PollFailed(_logger, _function.Name, _pattern.Container, ex);
            }

            try
            {
                await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollOnceAsync(IHostBlobContainer receipts, CancellationToken cancellationToken)
    {
        var pending = new List<(HostBlobItem Item, IReadOnlyList<KeyValuePair<string, string>> Parameters)>();
        await foreach (var item in _container.ListAsync(_pattern.Prefix.Length == 0 ? null : _pattern.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (_processed.TryGetValue(item.Name, out var etag) && etag == item.ETag)
            {
                continue;
            }

            var parameters = _pattern.Match(item.Name);
            if (parameters is null)
            {
                continue;
            }

            if (await receipts.ExistsAsync(ReceiptName(item.Name, item.ETag), cancellationToken).ConfigureAwait(false))
            {
                _processed[item.Name] = item.ETag;
                continue;
            }

            pending.Add((item, parameters));
        }

        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (entry, token) => await ProcessAsync(receipts, entry.Item, entry.Parameters, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task ProcessAsync(IHostBlobContainer receipts, HostBlobItem listed, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var blob = await _container.DownloadAsync(listed.Name, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return;
        }

        var item = blob.Properties;
        var attemptKey = item.Name + "\n" + item.ETag;
        var bindingData = CreateBindingData(item, parameters);
        var utcNow = DateTime.UtcNow;
        var randGuid = Guid.NewGuid();
        var data = new JsonObject { [_trigger.Name] = HostValueEncoding.Bytes(blob.Content.Span) };
        var envelope = InvocationClient.Envelope(data, bindingData.ToMetadata(_function.Name, utcNow, randGuid));
        try
        {
            var result = await _invoker.InvokeAsync(_function.Name, envelope, cancellationToken).ConfigureAwait(false);
            await _outputs.ApplyAsync(_function, result, bindingData, utcNow, randGuid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvocationFailedException || StorageErrors.IsRecoverable(ex))
        {
            var attempts = _attempts.AddOrUpdate(attemptKey, 1, (_, n) => n + 1);
            Log.InvocationFailed(_logger, _function.Name, item.Name, attempts, ex);
            if (attempts < MaxAttempts)
            {
                return;
            }

            await PoisonAsync(item, cancellationToken).ConfigureAwait(false);
        }

        await receipts.UploadAsync(ReceiptName(item.Name, item.ETag), ReadOnlyMemory<byte>.Empty, contentType: null, cancellationToken).ConfigureAwait(false);
        _processed[item.Name] = item.ETag;
        _attempts.TryRemove(attemptKey, out _);
    }

    private BindingData CreateBindingData(HostBlobItem item, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var bindingData = new BindingData();
        bindingData.Set("BlobTrigger", _pattern.Container + "/" + item.Name);
        bindingData.Set("Uri", _container.GetBlobUri(item.Name).AbsoluteUri);
        // BlobProperties serialized as an object. These v5 property names are unconfirmed (reference §2).
        var properties = new JsonObject
        {
            ["ContentLength"] = item.ContentLength,
            ["ContentType"] = item.ContentType,
            ["ETag"] = item.ETag,
            ["LastModified"] = item.LastModified is { } modified ? HostValueEncoding.FormatIsoDateTimeOffset(modified) : null,
            ["CreatedOn"] = item.CreatedOn is { } created ? HostValueEncoding.FormatIsoDateTimeOffset(created) : null,
        };
        bindingData.Set("Properties", properties);
        var metadata = new JsonObject();
        foreach (var (key, value) in item.Metadata)
        {
            metadata[key] = value;
        }

        bindingData.Set("Metadata", metadata);
        foreach (var (name, value) in parameters)
        {
            bindingData.Set(name, value);
        }

        return bindingData;
    }

    private async Task PoisonAsync(HostBlobItem item, CancellationToken cancellationToken)
    {
        var poison = _account.GetQueue(PoisonQueue);
        await poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var message = new JsonObject
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = FunctionId,
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = _pattern.Container,
            ["BlobName"] = item.Name,
            ["ETag"] = item.ETag,
        };
        await poison.SendRawAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message.ToJsonString())), cancellationToken).ConfigureAwait(false);
        Log.Poisoned(_logger, _function.Name, item.Name, MaxAttempts, PoisonQueue);
    }

    /// <summary>Like the host's BlobReceiptManager: one marker blob per host, function, ETag and blob.</summary>
    private string ReceiptName(string blobName, string etag) =>
        $"blobreceipts/{_hostId}/{FunctionId}/{etag.Trim('"')}/{_pattern.Container}/{blobName}";

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Information, "{FunctionName}: polling container {Container} for blobs (declared source: {Source})")]
        public static partial void Listening(ILogger logger, string functionName, string container, string source);

        [LoggerMessage(61, LogLevel.Warning, "{FunctionName}: scanning container {Container} failed")]
        public static partial void PollFailed(ILogger logger, string functionName, string container, Exception exception);

        [LoggerMessage(62, LogLevel.Error, "{FunctionName}: blob {BlobName} failed (attempt {Attempt})")]
        public static partial void InvocationFailed(ILogger logger, string functionName, string blobName, int attempt, Exception exception);

        [LoggerMessage(63, LogLevel.Warning, "{FunctionName}: blob {BlobName} failed {Attempts} times; message sent to {PoisonQueue}")]
        public static partial void Poisoned(ILogger logger, string functionName, string blobName, int attempts, string poisonQueue);
    }
}
