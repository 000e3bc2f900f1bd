namespace Hit.LocalHost.Storage;

/// <summary>
/// The few storage operations the host's triggers and output bindings need. One implementation,
/// over Hit.Platform.Storage, talks to Azurite or Azure; the seam only keeps trigger logic readable.
/// </summary>
internal interface IStorageAccount
{
    IHostQueue GetQueue(string name);

    IHostBlobContainer GetContainer(string name);
}

internal interface IHostQueue
{
    string Name { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken);

    Task ReleaseAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Sends the message text exactly as given (the caller applies messageEncoding).</summary>
    Task SendRawAsync(string messageText, CancellationToken cancellationToken);
}

internal sealed record ReceivedQueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    DateTimeOffset? InsertionTime,
    DateTimeOffset? ExpirationTime,
    DateTimeOffset? NextVisibleTime,
    string MessageText);

internal interface IHostBlobContainer
{
    string Name { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<HostBlobItem> ListAsync(string? prefix, CancellationToken cancellationToken);

    /// <summary>Downloads a blob; null when it no longer exists.</summary>
    Task<HostBlobContent?> DownloadAsync(string blobName, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken);

    Task UploadAsync(string blobName, ReadOnlyMemory<byte> content, string? contentType, CancellationToken cancellationToken);

    Uri GetBlobUri(string blobName);
}

internal sealed record HostBlobItem(
    string Name,
    string ETag,
    long ContentLength,
    string? ContentType,
    DateTimeOffset? LastModified,
    DateTimeOffset? CreatedOn,
    IReadOnlyDictionary<string, string> Metadata);

internal sealed record HostBlobContent(HostBlobItem Properties, ReadOnlyMemory<byte> Content);

internal interface IStorageAccountFactory
{
    IStorageAccount Create(string connectionString);
}
