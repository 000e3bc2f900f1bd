using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace Hit.LocalHost.TestWorker;

/// <summary>Queue- and blob-triggered functions: the host polls and retries; output bindings come back as output_data.</summary>
public static class StorageFunctions
{
    /// <summary>Records the message and its trigger metadata; fails on "fail", otherwise queues <c>message + "!"</c>.</summary>
    [Function("QueueWork")]
    [QueueOutput("%TEST_OUT_QUEUE%")]
    public static string QueueWork(
        [QueueTrigger("%TEST_QUEUE%")] string message,
        int dequeueCount,
        string id,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);

        Recorder.Record(context, new JsonObject
        {
            ["message"] = message,
            ["dequeueCount"] = dequeueCount,
            ["id"] = id,
        });
        if (message.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("queue failure requested: " + message);
        }

        return message + "!";
    }

    /// <summary>
    /// The host sends ModelBindingData and the worker builds the BlobClient with its own AzureWebJobsStorage.
    /// Records the blob; fails on "fail", otherwise the host writes a copy to <c>%TEST_OUT_CONTAINER%/{name}.copy</c>.
    /// </summary>
    [Function("BlobWatch")]
    [BlobOutput("%TEST_OUT_CONTAINER%/{name}.copy")]
    public static async Task<byte[]> BlobWatch(
        [BlobTrigger("%TEST_CONTAINER%/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        string name,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(context);

        byte[] content;
        try
        {
            content = (await blob.DownloadContentAsync(context.CancellationToken)).Value.Content.ToArray();
        }
        catch (Exception e)
        {
            Recorder.Record(context, new JsonObject { ["name"] = name, ["error"] = e.Message });
            throw;
        }

        var text = Encoding.UTF8.GetString(content);
        Recorder.Record(context, new JsonObject
        {
            ["name"] = name,
            ["length"] = content.Length,
            ["blobTrigger"] = Recorder.BindingData(context, "BlobTrigger"),
            ["uri"] = blob.Uri.ToString(),
            ["content"] = content.Length < 1024 ? text : null,
        });
        if (text.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("blob failure requested: " + name);
        }

        return content;
    }
}
