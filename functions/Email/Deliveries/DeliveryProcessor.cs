using System.Diagnostics;
using Hit.Contracts.Email;
using Hit.Email.Providers;
using Hit.Email.Templates;
using Microsoft.Extensions.Options;

namespace Hit.Email.Deliveries;

/// <summary>
/// One attempt at a delivery, as a state machine keyed by the delivery id the queue message carries:
/// <list type="number">
/// <item>a final record (sent, failed) means the message is a duplicate: nothing happens;</item>
/// <item>the attempt is <b>recorded before the send</b> (state <c>sending</c>, under the record's ETag, so of two
/// consumers of duplicate messages only one sends);</item>
/// <item>the provider's answer is recorded: sent (provider, provider message id), retrying (the same message is
/// scheduled again with backoff <i>before</i> the record says so, so a crash in between cannot strand it), or failed;</item>
/// <item>a record still <c>sending</c> when a message for it arrives was left by a worker that stopped mid-send: the
/// mail may have gone out, so once <see cref="EmailOptions.SendTimeout"/> has passed it is failed with
/// <c>outcome_unknown</c> — never sent a second time.</item>
/// </list>
/// </summary>
internal sealed partial class DeliveryProcessor(
    DeliveryStore deliveries, EmailQueue queue, EmailProviders providers, IOptions<EmailOptions> options, IOptions<EmailTestingOptions> testing,
    TimeProvider time, ILogger<DeliveryProcessor> logger)
{
    /// <summary>A scheduled retry may surface a little before its time; earlier than this it is a duplicate.</summary>
    private static readonly TimeSpan EarlySlack = TimeSpan.FromSeconds(2);

    /// <param name="message">The queue message's text: scheduled again as is for a retry.</param>
    /// <param name="render">The mail's parts for this attempt, or why it cannot be rendered.</param>
    public async Task RunAsync(DeliveryDocument record, string message, Func<CancellationToken, Task<(RenderedEmail? Email, string? Error)>> render, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (record.IsFinal)
        {
            Log.Duplicate(logger, record.DeliveryId, record.State);
            return;
        }

        if (record.State == EmailStates.Sending)
        {
            var abandonedAt = (record.SendingSince ?? now) + settings.SendTimeout;
            if (abandonedAt <= now)
            {
                Log.OutcomeUnknown(logger, record.DeliveryId, record.Attempts);
                await deliveries.ReplaceAsync(Fail(record, DeliveryFailures.OutcomeUnknown,
                    "The worker stopped while the mail was being sent; it may have been delivered, so it is not sent again."), record.ETag!, cancellationToken);
            }
            else
            {
                // Another worker may still be sending: look again once it would have had to finish.
                await queue.SendAsync(message, abandonedAt - now + TimeSpan.FromSeconds(1), cancellationToken);
            }

            return;
        }

        if (record.State == EmailStates.Retrying && record.NextAttemptAt > now + EarlySlack)
        {
            Log.Early(logger, record.DeliveryId);
            return;
        }

        var (email, renderError) = await render(cancellationToken);
        if (email is null)
        {
            await deliveries.ReplaceAsync(Fail(record, DeliveryFailures.RenderFailed, renderError ?? "The mail could not be rendered."), record.ETag!, cancellationToken);
            return;
        }

        var list = settings.ProvidersFor(record.Ns);
        var attempt = record.Attempts + 1;
        var provider = providers.Get(list[Math.Min((attempt - 1) / settings.AttemptsPerProvider, list.Count - 1)]);
        var claimed = await deliveries.ReplaceAsync(record with
        {
            State = EmailStates.Sending,
            Attempts = attempt,
            Provider = provider.Name,
            SendingSince = now,
            NextAttemptAt = null,
            UpdatedAt = now,
        }, record.ETag!, cancellationToken);
        if (claimed is null)
        {
            Log.Raced(logger, record.DeliveryId);
            return;
        }

        var outgoing = new OutgoingEmail(record.DeliveryId, settings.From, settings.FromName, record.To, email.Subject, email.Html, email.Text);
        var outcome = await provider.SendAsync(outgoing, cancellationToken);
        now = time.GetUtcNow();
        switch (outcome.Status)
        {
            case SendStatus.Sent:
                CrashIfAsked(record.To);
                await deliveries.ReplaceAsync(claimed with
                {
                    State = EmailStates.Sent,
                    ProviderMessageId = outcome.ProviderMessageId,
                    SentAt = now,
                    SendingSince = null,
                    LastError = null,
                    UpdatedAt = now,
                }, claimed.ETag!, cancellationToken);
                Log.Sent(logger, record.DeliveryId, provider.Name, attempt);
                break;

            case SendStatus.Permanent:
                Log.Permanent(logger, record.DeliveryId, provider.Name, outcome.FailureCode!);
                await deliveries.ReplaceAsync(Fail(claimed, outcome.FailureCode!, outcome.Reason!), claimed.ETag!, cancellationToken);
                break;

            default:
                if (attempt >= list.Count * settings.AttemptsPerProvider)
                {
                    Log.Exhausted(logger, record.DeliveryId, attempt);
                    await deliveries.ReplaceAsync(Fail(claimed, DeliveryFailures.RetriesExhausted, $"{attempt} attempts failed; the last: {outcome.Reason}"), claimed.ETag!, cancellationToken);
                    break;
                }

                // Queue visibility has whole-second granularity: a shorter delay would be no delay at all.
                var delay = TimeSpan.FromSeconds(Math.Ceiling(Backoff(attempt, settings).TotalSeconds));
                await queue.SendAsync(message, delay, cancellationToken);
                await deliveries.ReplaceAsync(claimed with
                {
                    State = EmailStates.Retrying,
                    NextAttemptAt = now + delay,
                    SendingSince = null,
                    LastError = outcome.Reason,
                    UpdatedAt = now,
                }, claimed.ETag!, cancellationToken);
                Log.Retrying(logger, record.DeliveryId, provider.Name, attempt, delay.TotalSeconds);
                break;
        }
    }

    /// <summary>
    /// Exponential within a provider (<c>RetryDelay · 2^(n-1)</c>, capped, ±20 % jitter so a recovering server is not hit
    /// by every retry at once); the first attempt on the next provider of the failover list follows at the base delay.
    /// </summary>
    internal static TimeSpan Backoff(int failedAttempt, EmailOptions settings)
    {
        var onProvider = failedAttempt % settings.AttemptsPerProvider;
        var exponent = onProvider == 0 ? 0 : onProvider - 1;
        var delay = Math.Min(settings.RetryDelay.TotalMilliseconds * Math.Pow(2, exponent), settings.MaxRetryDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)));
#pragma warning restore CA5394
    }

    private DeliveryDocument Fail(DeliveryDocument record, string code, string reason) => record with
    {
        State = EmailStates.Failed,
        FailureCode = code,
        FailureReason = reason,
        SendingSince = null,
        NextAttemptAt = null,
        UpdatedAt = time.GetUtcNow(),
    };

    /// <summary>The crash test's hook (Development only, EmailServices): the send is confirmed, the record not yet written.</summary>
    private void CrashIfAsked(string to)
    {
        if (testing.Value.CrashAfterSendTo is { Length: > 0 } target && string.Equals(target, to, StringComparison.OrdinalIgnoreCase))
        {
            Log.Crashing(logger, to.Length);
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Delivery {DeliveryId} is already {State}; the message is a duplicate.")]
        public static partial void Duplicate(ILogger logger, string deliveryId, string state);

        [LoggerMessage(2, LogLevel.Warning, "Delivery {DeliveryId} was left sending (attempt {Attempt}); failed as outcome_unknown, not sent again.")]
        public static partial void OutcomeUnknown(ILogger logger, string deliveryId, int attempt);

        [LoggerMessage(3, LogLevel.Debug, "Delivery {DeliveryId}: a message before the scheduled retry; ignored.")]
        public static partial void Early(ILogger logger, string deliveryId);

        [LoggerMessage(4, LogLevel.Information, "Delivery {DeliveryId} was claimed by another consumer.")]
        public static partial void Raced(ILogger logger, string deliveryId);

        [LoggerMessage(5, LogLevel.Information, "Delivery {DeliveryId} sent by {Provider} (attempt {Attempt}).")]
        public static partial void Sent(ILogger logger, string deliveryId, string provider, int attempt);

        [LoggerMessage(6, LogLevel.Warning, "Delivery {DeliveryId} failed permanently at {Provider}: {Code}.")]
        public static partial void Permanent(ILogger logger, string deliveryId, string provider, string code);

        [LoggerMessage(7, LogLevel.Warning, "Delivery {DeliveryId} failed after {Attempt} attempts.")]
        public static partial void Exhausted(ILogger logger, string deliveryId, int attempt);

        [LoggerMessage(8, LogLevel.Information, "Delivery {DeliveryId}: {Provider} failed attempt {Attempt}; retrying in {Seconds} s.")]
        public static partial void Retrying(ILogger logger, string deliveryId, string provider, int attempt, double seconds);

        [LoggerMessage(9, LogLevel.Critical, "Email:Testing:CrashAfterSendTo matched (recipient length {Length}): killing the worker after a confirmed send.")]
        public static partial void Crashing(ILogger logger, int length);
    }
}
