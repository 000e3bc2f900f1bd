using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Hit.Platform.Storage;

namespace Hit.LocalHost.Storage;

/// <summary>Storage access through the project's Blob/Queue REST client (the Storage SDK does not restore here).</summary>
internal sealed class PlatformStorageAccountFactory : IStorageAccountFactory
{
    private readonly ConcurrentDictionary<string, IStorageAccount> _accounts = new(StringComparer.Ordinal);

    public IStorageAccount Create(string connectionString) =>
        _accounts.GetOrAdd(connectionString, static cs => new PlatformStorageAccount(StorageConnection.Parse(cs)));
}

internal sealed class PlatformStorageAccount : IStorageAccount
{
    private readonly QueueServiceClient _queues;
    private readonly BlobServiceClient _blobs;

    public PlatformStorageAccount(StorageConnection connection)
    {
        // The host encodes and decodes message text itself (messageEncoding, poison copies), so the
        // client must pass text through untouched.
        _queues = new QueueServiceClient(connection, new StorageClientOptions { MessageEncoding = QueueMessageEncoding.None });
        _blobs = new BlobServiceClient(connection);
    }

    public IHostQueue GetQueue(string name) => new Queue(_queues.GetQueueClient(name));

    public IHostBlobContainer GetContainer(string name) => new Container(_blobs.GetContainerClient(name));

    private sealed class Queue(QueueClient client) : IHostQueue
    {
        public string Name => client.Name;

        public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => client.CreateIfNotExistsAsync(cancellationToken);

        public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
        {
            var messages = await client.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false);
            return messages.Select(m => new ReceivedQueueMessage(
                m.MessageId, m.PopReceipt, m.DequeueCount, m.InsertionTime, m.ExpirationTime, m.NextVisibleTime, m.MessageText)).ToList();
        }

        public Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken) =>
            client.DeleteMessageAsync(messageId, popReceipt, cancellationToken);

        public Task ReleaseAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken) =>
            client.UpdateMessageAsync(messageId, popReceipt, newBody: null, visibilityTimeout, cancellationToken);

        public Task SendRawAsync(string messageText, CancellationToken cancellationToken) =>
            client.SendMessageAsync(messageText, cancellationToken: cancellationToken);
    }

    private sealed class Container(BlobContainerClient client) : IHostBlobContainer
    {
        public string Name => client.Name;

        public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => client.CreateIfNotExistsAsync(cancellationToken);

        public async IAsyncEnumerable<HostBlobItem> ListAsync(string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in client.GetBlobsAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                yield return new HostBlobItem(item.Name, item.ETag.ToString(), item.ContentLength, item.ContentType, item.LastModified, item.CreatedOn, item.Metadata);
            }
        }

        public async Task<HostBlobContent?> DownloadAsync(string blobName, CancellationToken cancellationToken)
        {
            try
            {
                var result = await client.GetBlobClient(blobName).DownloadContentAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var d = result.Details;
                return new HostBlobContent(
                    new HostBlobItem(blobName, d.ETag.ToString(), d.ContentLength, d.ContentType, d.LastModified, d.CreatedOn, d.Metadata),
                    result.Content.ToMemory());
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
        }

        public Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken) =>
            client.GetBlobClient(blobName).ExistsAsync(cancellationToken);

        public Task UploadAsync(string blobName, ReadOnlyMemory<byte> content, string? contentType, CancellationToken cancellationToken) =>
            client.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { ContentType = contentType }, cancellationToken);

        public Uri GetBlobUri(string blobName) => client.GetBlobClient(blobName).Uri;
    }
}
