using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Invocation;
using Hit.LocalHost.Storage;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Triggers;

/// <summary>
/// Polls one queue for one queueTrigger function (Storage extension 5.x semantics, reference §7):
/// batches with a visibility lease, backoff up to maxPollingInterval, redelivery after visibilityTimeout,
/// and <c>&lt;queue&gt;-poison</c> after maxDequeueCount attempts or for undecodable messages.
/// </summary>
internal sealed partial class QueueTriggerListener
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly FunctionDefinition _function;
    private readonly BindingDefinition _trigger;
    private readonly QueueOptions _options;
    private readonly IHostQueue _queue;
    private readonly IHostQueue _poisonQueue;
    private readonly InvocationClient _invoker;
    private readonly OutputBinder _outputs;
    private readonly TimeSpan _lease;
    private readonly ILogger _logger;

    public QueueTriggerListener(FunctionDefinition function, BindingDefinition trigger, string queueName, QueueOptions options, IStorageAccount account,
        InvocationClient invoker, OutputBinder outputs, TimeSpan lease, ILogger logger)
    {
        _function = function;
        _trigger = trigger;
        _options = options;
        _queue = account.GetQueue(queueName);
        _poisonQueue = account.GetQueue(queueName + "-poison");
        _invoker = invoker;
        _outputs = outputs;
        _lease = lease;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        Log.Listening(_logger, _function.Name, _queue.Name);
        var delay = MinimumPollingInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<ReceivedQueueMessage> messages;
            try
            {
                messages = await _queue.ReceiveAsync(_options.BatchSize, _lease, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (StorageErrors.IsRecoverable(ex))
            {
                Log.PollFailed(_logger, _function.Name, _queue.Name, ex);
                messages = [];
            }

            if (messages.Count > 0)
            {
                delay = MinimumPollingInterval;
                await Task.WhenAll(messages.Select(m => ProcessAsync(m, cancellationToken))).ConfigureAwait(false);
                continue;
            }

            // Exponential backoff while the queue is empty, capped at maxPollingInterval.
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(_options.MaxPollingInterval.Ticks, MinimumPollingInterval.Ticks)));
        }
    }

    private async Task ProcessAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            // A message that already used up its attempts (e.g. the host died mid-invocation) goes straight to poison.
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!TryDecode(message.MessageText, out var text))
            {
                // Non-base64 text under base64 encoding cannot be bound: poison it without invoking (azure-sdk-for-net #18326).
                Log.UndecodableMessage(_logger, _function.Name, message.MessageId, _queue.Name);
                await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            }

            var bindingData = CreateBindingData(message, text);
            var utcNow = DateTime.UtcNow;
            var randGuid = Guid.NewGuid();
            var data = new JsonObject
            {
                [_trigger.Name] = _trigger.IsBinary
                    ? HostValueEncoding.Bytes(Encoding.UTF8.GetBytes(text))
                    : HostValueEncoding.String(text),
            };
            var envelope = InvocationClient.Envelope(data, bindingData.ToMetadata(_function.Name, utcNow, randGuid));
            try
            {
                var result = await _invoker.InvokeAsync(_function.Name, envelope, cancellationToken).ConfigureAwait(false);
                await _outputs.ApplyAsync(_function, result, bindingData, utcNow, randGuid, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvocationFailedException || StorageErrors.IsRecoverable(ex))
            {
                Log.InvocationFailed(_logger, _function.Name, message.MessageId, message.DequeueCount, ex);
                await FailAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            }

            await _queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            Log.Completed(_logger, _function.Name, message.MessageId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease expires and the message is delivered again later.
        }
        catch (Exception ex) when (StorageErrors.IsRecoverable(ex))
        {
            Log.StorageFailed(_logger, _function.Name, message.MessageId, ex);
        }
    }

    private bool TryDecode(string messageText, out string text)
    {
        if (!_options.Base64Encoding)
        {
            text = messageText;
            return true;
        }

        var buffer = new byte[(messageText.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(messageText, buffer, out var written))
        {
            text = Encoding.UTF8.GetString(buffer, 0, written);
            return true;
        }

        text = string.Empty;
        return false;
    }

    /// <summary>QueueTriggerBinding's binding data contract, then the JSON-body merge (Utility.ApplyBindingData).</summary>
    private static BindingData CreateBindingData(ReceivedQueueMessage message, string text)
    {
        var bindingData = new BindingData();
        bindingData.Set("QueueTrigger", text);
        bindingData.Set("DequeueCount", message.DequeueCount);
        if (message.ExpirationTime is { } expiration)
        {
            bindingData.Set("ExpirationTime", expiration);
        }

        bindingData.Set("Id", message.MessageId);
        if (message.InsertionTime is { } insertion)
        {
            bindingData.Set("InsertionTime", insertion);
        }

        if (message.NextVisibleTime is { } nextVisible)
        {
            bindingData.Set("NextVisibleTime", nextVisible);
        }

        bindingData.Set("PopReceipt", message.PopReceipt);
        bindingData.ApplyJsonProperties(text);
        return bindingData;
    }

    private async Task FailAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount >= _options.MaxDequeueCount)
        {
            await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _queue.ReleaseAsync(message.MessageId, message.PopReceipt, _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task PoisonAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        await _poisonQueue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        // The poison copy keeps the original text byte for byte (already encoded, or undecodable as it was).
        await _poisonQueue.SendRawAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
        await _queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        Log.Poisoned(_logger, _function.Name, message.MessageId, message.DequeueCount, _poisonQueue.Name);
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "{FunctionName}: listening to queue {QueueName}")]
        public static partial void Listening(ILogger logger, string functionName, string queueName);

        [LoggerMessage(51, LogLevel.Warning, "{FunctionName}: polling queue {QueueName} failed")]
        public static partial void PollFailed(ILogger logger, string functionName, string queueName, Exception exception);

        [LoggerMessage(52, LogLevel.Error, "{FunctionName}: message {MessageId} failed (dequeue count {DequeueCount})")]
        public static partial void InvocationFailed(ILogger logger, string functionName, string messageId, long dequeueCount, Exception exception);

        [LoggerMessage(53, LogLevel.Debug, "{FunctionName}: message {MessageId} completed")]
        public static partial void Completed(ILogger logger, string functionName, string messageId);

        [LoggerMessage(54, LogLevel.Warning, "{FunctionName}: message {MessageId} (dequeue count {DequeueCount}) moved to {PoisonQueue}")]
        public static partial void Poisoned(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(55, LogLevel.Warning, "{FunctionName}: message {MessageId} in {QueueName} is not valid base64")]
        public static partial void UndecodableMessage(ILogger logger, string functionName, string messageId, string queueName);

        [LoggerMessage(56, LogLevel.Error, "{FunctionName}: storage operation for message {MessageId} failed")]
        public static partial void StorageFailed(ILogger logger, string functionName, string messageId, Exception exception);
    }
}
