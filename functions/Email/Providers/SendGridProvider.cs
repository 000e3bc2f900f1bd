using System.Net;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Hit.Email.Providers;

/// <summary>The SendGrid v3 mail API through the official client, on an <see cref="IHttpClientFactory"/> client.</summary>
internal sealed partial class SendGridProvider(IHttpClientFactory httpClients, IOptions<SendGridOptions> options, ILogger<SendGridProvider> logger) : IEmailProvider
{
    public const string ProviderName = "sendgrid";
    public const string HttpClientName = "sendgrid";

    public string Name => ProviderName;

    public async Task<SendOutcome> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        if (!MimeKit.MailboxAddress.TryParse(email.To, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            return SendOutcome.Permanent(DeliveryFailures.RecipientRejected, "The recipient is not a valid address.");
        }

        var settings = options.Value;
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions
        {
            ApiKey = settings.ApiKey,
            Host = settings.BaseUrl.ToString().TrimEnd('/'),
        });
        var message = MailHelper.CreateSingleEmail(new EmailAddress(email.From, email.FromName), new EmailAddress(to.Address, to.Name), email.Subject, email.Text, email.Html);
        message.AddCustomArg("deliveryId", email.DeliveryId);
        Response response;
        try
        {
            response = await client.SendEmailAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.SendFailed(logger, ex);
            return SendOutcome.Transient("SendGrid unreachable.");
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return SendOutcome.Sent(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);
        }

        Log.Refused(logger, status);
        return response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500
            ? SendOutcome.Transient($"SendGrid {status}.")
            : SendOutcome.Permanent(DeliveryFailures.ProviderRejected, $"SendGrid {status}.");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "SendGrid request failed.")]
        public static partial void SendFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "SendGrid answered {Status}.")]
        public static partial void Refused(ILogger logger, int status);
    }
}
