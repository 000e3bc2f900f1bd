using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace Hit.Email.Deliveries;

/// <summary>
/// The <c>email</c> queue from the app's side: new deliveries and scheduled retries go on it (Base64, as the queue
/// trigger decodes), and <c>email-poison</c> is read for the poison listing.
/// </summary>
internal sealed class EmailQueue(QueueServiceClient queues, IOptions<EmailOptions> options)
{
    /// <summary>The connection the Functions host uses for its own storage, and the email queue's.</summary>
    public const string Connection = "AzureWebJobsStorage";

    /// <summary>Azure Queue Storage peeks at most 32 messages at a time.</summary>
    public const int MaxPeek = 32;

    private int _ready;

    public QueueClient Queue => queues.GetQueueClient(options.Value.Queue);

    public QueueClient Poison => queues.GetQueueClient(options.Value.Queue + "-poison");

    /// <summary>Puts <paramref name="text"/> on the queue, visible after <paramref name="delay"/>.</summary>
    public async Task SendAsync(string text, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = Queue;
        if (Volatile.Read(ref _ready) == 0)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status403Forbidden)
            {
                // In Azure the app may only send (Bicep creates the queue); creating is for the local emulator.
            }

            Volatile.Write(ref _ready, 1);
        }

        await queue.SendMessageAsync(text, delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<PeekedMessage>> PeekPoisonAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await Poison.PeekMessagesAsync(MaxPeek, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return [];
        }
    }

    /// <summary>
    /// The connection resolved as the Functions host resolves it: a connection string (the emulator), or identity-based
    /// settings — <c>AzureWebJobsStorage__queueServiceUri</c> (or <c>__accountName</c>) with <c>__clientId</c> for a
    /// user-assigned identity, as the Bicep deploys.
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
