using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hit.Email.Providers;

/// <summary>
/// SMTP through MailKit: STARTTLS/SSL and authentication by settings, a small pool of open connections (one send at a
/// time each) so a busy queue does not pay a TCP + TLS + AUTH handshake per mail.
/// </summary>
internal sealed partial class SmtpProvider(IOptions<SmtpOptions> options, ILogger<SmtpProvider> logger) : IEmailProvider, IDisposable
{
    public const string ProviderName = "smtp";

    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.PoolSize));

    public string Name => ProviderName;

    public async Task<SendOutcome> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        if (!MailboxAddress.TryParse(email.To, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            return SendOutcome.Permanent(DeliveryFailures.RecipientRejected, "The recipient is not a valid address.");
        }

        var message = Build(email, to);
        await _slots.WaitAsync(cancellationToken);
        SmtpClient? client = null;
        try
        {
            client = await RentAsync(cancellationToken);
            await client.SendAsync(message, cancellationToken);
            _idle.Add(client);
            client = null;
            return SendOutcome.Sent(message.MessageId);
        }
        catch (SmtpCommandException ex)
        {
            Log.CommandFailed(logger, ex, (int)ex.StatusCode, ex.ErrorCode.ToString());
            // RFC 5321 §4.2.1: 5yz is a permanent negative completion, 4yz transient.
            return (int)ex.StatusCode >= 500
                ? SendOutcome.Permanent(ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? DeliveryFailures.RecipientRejected : DeliveryFailures.ProviderRejected,
                    $"SMTP {(int)ex.StatusCode} ({ex.ErrorCode}).")
                : SendOutcome.Transient($"SMTP {(int)ex.StatusCode} ({ex.ErrorCode}).");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException
            or AuthenticationException or SslHandshakeException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Authentication and TLS failures are the server's or its settings' fault, not the mail's: the failover list may still deliver it.
            Log.SendFailed(logger, ex, ex.GetType().Name);
            return SendOutcome.Transient($"SMTP {ex.GetType().Name}.");
        }
        finally
        {
            client?.Dispose();
            _slots.Release();
        }
    }

    private static MimeMessage Build(OutgoingEmail email, MailboxAddress to)
    {
        var message = new MimeMessage
        {
            // Deterministic: the same delivery always carries the same Message-ID, so receivers that deduplicate on it can.
            MessageId = $"{email.DeliveryId}@hit.email",
            Subject = email.Subject,
        };
        message.From.Add(new MailboxAddress(email.FromName, email.From));
        message.To.Add(to);
        var body = new BodyBuilder { HtmlBody = email.Html, TextBody = email.Text };
        message.Body = body.ToMessageBody();
        return message;
    }

    private async Task<SmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsConnected)
            {
                return idle;
            }

            idle.Dispose();
        }

        var settings = options.Value;
        var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.SmtpPort, Enum.Parse<SecureSocketOptions>(settings.Security, ignoreCase: true), cancellationToken);
            if (settings.UserName.Length > 0)
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var client))
        {
            client.Dispose();
        }

        _slots.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "SMTP refused the mail: {Status} {ErrorType}.")]
        public static partial void CommandFailed(ILogger logger, Exception exception, int status, string errorType);

        [LoggerMessage(2, LogLevel.Warning, "SMTP send failed: {Kind}.")]
        public static partial void SendFailed(ILogger logger, Exception exception, string kind);
    }
}
