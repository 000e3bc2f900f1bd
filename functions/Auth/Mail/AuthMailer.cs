using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Mail;

/// <summary>Enqueues <see cref="AuthEmailMessage"/> v1 on the email queue; the email app renders and sends it.</summary>
internal sealed partial class AuthMailer(QueueServiceClient queues, IOptions<AuthOptions> options, TimeProvider time, ILogger<AuthMailer> logger)
{
    private int _queueReady;

    public async Task SendAsync(string ns, string template, string to, string token, DateTimeOffset expiresAt, string page, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(options.Value.EmailQueue);
        if (Volatile.Read(ref _queueReady) == 0)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status403Forbidden)
            {
                // In Azure the app may only send (Bicep creates the queue); creating is for the local emulator.
            }

            Volatile.Write(ref _queueReady, 1);
        }

        var link = new Uri(options.Value.PublicBaseUrl, $"{page}?token={Uri.EscapeDataString(token)}&ns={Uri.EscapeDataString(ns)}");
        var message = new AuthEmailMessage(AuthEmailMessage.CurrentVersion, Guid.NewGuid().ToString("N"), ns, template, to,
            new Dictionary<string, string>
            {
                ["token"] = token,
                ["link"] = link.ToString(),
                ["expiresAt"] = expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
            time.GetUtcNow());
        // The client encodes Base64 (MailServices), the encoding a Functions queue trigger expects by default.
        await queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, HitJsonContext.Default.AuthEmailMessage)), cancellationToken: cancellationToken);
        Log.MailQueued(logger, template, message.MessageId);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Queued {Template} mail {MessageId}.")]
        public static partial void MailQueued(ILogger logger, string template, string messageId);
    }
}
