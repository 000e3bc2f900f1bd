using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// A queue trigger with the Functions host's semantics: messages received in batches under a lease, Base64-decoded
/// (host.json <c>messageEncoding</c>), invoked concurrently; success deletes, failure makes the message visible again
/// after <c>visibilityTimeout</c>, and at <c>maxDequeueCount</c> it moves to <c>&lt;queue&gt;-poison</c>. An empty queue is
/// polled with exponential backoff from 100 ms up to <c>maxPollingInterval</c>.
/// </summary>
internal sealed partial class WorkerQueueListener(
    WorkerFunction function, BindingDefinition trigger, QueueClient queue, QueueClient poison, QueueOptions options,
    TimeSpan lease, WorkerInvoker invoker, ILogger logger)
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.Listening(logger, function.Name, queue.Name);
        var delay = MinimumPollingInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(options.BatchSize, lease, cancellationToken).ConfigureAwait(false)).Value;
            if (messages.Length == 0)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(options.MaxPollingInterval.Ticks, MinimumPollingInterval.Ticks)));
                continue;
            }

            delay = MinimumPollingInterval;
            await Task.WhenAll(messages.Select(m => ProcessAsync(m, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        byte[] body;
        if (options.Base64Encoding)
        {
            var buffer = new byte[message.MessageText.Length];
            if (!Convert.TryFromBase64String(message.MessageText, buffer, out var written))
            {
                // The host cannot decode it, so no invocation could ever succeed: straight to poison.
                Log.NotBase64(logger, function.Name, message.MessageId);
                await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            }

            body = buffer[..written];
        }
        else
        {
            body = Encoding.UTF8.GetBytes(message.MessageText);
        }

        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = WorkerInvoker.NewRequest(function);
        var text = Encoding.UTF8.GetString(body);
        request.InputData.Add(new ParameterBinding
        {
            Name = trigger.Name,
            Data = trigger.IsBinary ? TypedValues.Bytes(body) : TypedValues.String(text),
        });
        request.TriggerMetadata["QueueTrigger"] = TypedValues.String(text);
        request.TriggerMetadata["Id"] = TypedValues.String(message.MessageId);
        request.TriggerMetadata["PopReceipt"] = TypedValues.String(message.PopReceipt);
        request.TriggerMetadata["DequeueCount"] = TypedValues.Json(message.DequeueCount);
        if (message.InsertedOn is { } inserted)
        {
            request.TriggerMetadata["InsertionTime"] = TypedValues.Json(inserted);
        }

        if (message.ExpiresOn is { } expires)
        {
            request.TriggerMetadata["ExpirationTime"] = TypedValues.Json(expires);
        }

        if (message.NextVisibleOn is { } visible)
        {
            request.TriggerMetadata["NextVisibleTime"] = TypedValues.Json(visible);
        }

        try
        {
            await invoker.InvokeAsync(function, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FunctionInvocationException or RequestFailedException or InvalidOperationException)
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await PoisonAsync(message, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Visible again after visibilityTimeout; the next receive counts the next attempt.
                Log.Retrying(logger, function.Name, message.MessageId, message.DequeueCount, options.MaxDequeueCount, options.VisibilityTimeout.TotalSeconds);
                await IgnoreMissingAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            return;
        }

        await IgnoreMissingAsync(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken)).ConfigureAwait(false);
    }

    private async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // The original wire text, so the poison copy decodes exactly like the message did.
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
        await IgnoreMissingAsync(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken)).ConfigureAwait(false);
        Log.Poisoned(logger, function.Name, message.MessageId, message.DequeueCount, poison.Name);
    }

    /// <summary>A lease that expired meanwhile (another receiver took the message) is not this listener's error.</summary>
    private static async Task IgnoreMissingAsync(Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(350, LogLevel.Information, "{FunctionName}: listening on queue {QueueName}")]
        public static partial void Listening(ILogger logger, string functionName, string queueName);

        [LoggerMessage(351, LogLevel.Warning, "{FunctionName}: message {MessageId} failed (dequeue count {DequeueCount} of {MaxDequeueCount}); visible again in {Seconds} s")]
        public static partial void Retrying(ILogger logger, string functionName, string messageId, long dequeueCount, int maxDequeueCount, double seconds);

        [LoggerMessage(352, LogLevel.Error, "{FunctionName}: message {MessageId} moved to {PoisonQueue} after {DequeueCount} dequeues")]
        public static partial void Poisoned(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(353, LogLevel.Error, "{FunctionName}: message {MessageId} is not valid Base64 (host.json messageEncoding); moved to poison")]
        public static partial void NotBase64(ILogger logger, string functionName, string messageId);
    }
}
