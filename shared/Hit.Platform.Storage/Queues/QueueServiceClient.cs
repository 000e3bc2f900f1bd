using Hit.Platform.Storage.Core;

namespace Hit.Platform.Storage;

/// <summary>Entry point for the Queue service of one account. Thread-safe; register as a singleton.</summary>
public sealed class QueueServiceClient
{
    private readonly StoragePipeline _pipeline;

    public QueueServiceClient(StorageConnection connection, StorageClientOptions? options = null)
    {
        _pipeline = StoragePipeline.Create(connection, options);
        Uri = connection.RequireQueueEndpoint();
    }

    public Uri Uri { get; }

    public string AccountName => _pipeline.Connection.AccountName;

    public QueueMessageEncoding MessageEncoding => _pipeline.Options.MessageEncoding;

    public QueueClient GetQueueClient(string queueName) => new(_pipeline, Uri, queueName);
}
