using System.Reflection;
using Hit.Platform.Storage;

namespace Hit.LocalHost.Tests.Infrastructure;

/// <summary>The test environment contract: <c>HIT_STORAGE_CONNECTION</c> (Azurite), default <c>UseDevelopmentStorage=true</c>.</summary>
internal static class TestEnvironment
{
    public static string StorageConnectionString { get; } =
        Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    public static string TestHandlerDll { get; } = typeof(TestEnvironment).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestHandlerPath").Value!;

    /// <summary>Queue access that neither encodes nor decodes, so tests see the exact wire text.</summary>
    public static QueueServiceClient RawQueues { get; } =
        new(StorageConnection.Parse(StorageConnectionString), new StorageClientOptions { MessageEncoding = QueueMessageEncoding.None });

    public static BlobServiceClient Blobs { get; } = new(StorageConnection.Parse(StorageConnectionString));

    /// <summary>A storage name unique to one test (queues and containers: lowercase, 3–63 chars).</summary>
    public static string UniqueName(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 20, 63)].ToLowerInvariant();

    /// <summary>The first visible message (peeked, or received with a long lease), or null while the queue is empty or missing.</summary>
    public static async Task<PeekedMessage?> PeekFirstAsync(string queue)
    {
        try
        {
            var messages = await RawQueues.GetQueueClient(queue).PeekMessagesAsync(1);
            return messages.Count > 0 ? messages[0] : null;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
