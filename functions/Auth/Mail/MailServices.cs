using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;

namespace Hit.Auth.Mail;

internal static class MailServices
{
    /// <summary>The connection the Functions host uses for its own storage, and the email queue's.</summary>
    public const string Connection = "AzureWebJobsStorage";

    /// <summary>One-time tokens, the mailer, and the queue client it sends with.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetSection(Connection);
        services.AddAzureClients(clients => clients.AddClient<QueueServiceClient, QueueClientOptions>((QueueClientOptions options, TokenCredential _) =>
        {
            // Base64, as the Functions host's queue trigger decodes by default (host.json messageEncoding).
            options.MessageEncoding = QueueMessageEncoding.Base64;
            return Create(connection, options);
        }));
        services.AddSingleton<OneTimeTokenStore>();
        services.AddSingleton<AuthMailer>();
        return services;
    }

    /// <summary>
    /// The connection resolved as the Functions host resolves it: a connection string (the emulator), or identity-based
    /// settings — <c>AzureWebJobsStorage__queueServiceUri</c> (or <c>__accountName</c>) with
    /// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity, as the Bicep deploys.
    /// </summary>
    internal static QueueServiceClient Create(IConfigurationSection connection, QueueClientOptions options)
    {
        if (connection.Value is { Length: > 0 } connectionString)
        {
            return new QueueServiceClient(connectionString, options);
        }

        var uri = connection["queueServiceUri"] is { Length: > 0 } serviceUri ? new Uri(serviceUri)
            : connection["accountName"] is { Length: > 0 } account ? new Uri($"https://{account}.queue.core.windows.net")
            : throw new InvalidOperationException($"{connection.Path} is neither a connection string nor has queueServiceUri/accountName.");
        TokenCredential credential = connection["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return new QueueServiceClient(uri, credential, options);
    }
}
