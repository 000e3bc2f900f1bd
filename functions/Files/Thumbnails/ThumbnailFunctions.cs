using System.Text.Json;
using Azure.Storage.Blobs;
using Hit.Files.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Files.Thumbnails;

/// <summary>The blob-triggered thumbnail function (Event Grid source: in Azure the storage account's events, here the local host's watcher).</summary>
internal sealed class ThumbnailFunctions(ThumbnailProcessor processor)
{
    public const string FunctionName = "MakeThumbnail";

    /// <summary>
    /// Runs the processor on the new original. The trigger binds a <see cref="BlobClient"/> (deferred binding: the
    /// host sends only the blob's coordinates and the worker opens it), so a 100 MB original is never shipped through
    /// the invocation. Permanent problems (corrupt image, over the limits) are recorded on the file and the invocation
    /// succeeds — retrying cannot fix them. Only transient failures (storage, Cosmos) throw, so the host retries those
    /// and, after five attempts, poisons the blob.
    /// </summary>
    [Function(FunctionName)]
    public async Task MakeThumbnail(
        [BlobTrigger(BlobLayout.UploadsContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = BlobStorage.ConnectionName)] BlobClient blob,
        FunctionContext context, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        try
        {
            await processor.ProcessAsync(blob, TriggeredETag(context), lines, cancellationToken);
        }
        finally
        {
            // One line per invocation, relayed to the host as the invocation's log (tests and the benchmark read it).
            var log = context.GetLogger(typeof(ThumbnailFunctions).FullName!);
            foreach (var line in lines)
            {
#pragma warning disable CA1848, CA2254 // The line is already formatted; it is the invocation's own summary.
                log.LogInformation(line);
#pragma warning restore CA1848, CA2254
            }
        }
    }

    /// <summary>The ETag of the blob version that fired the trigger (binding data <c>Properties.ETag</c>), if the host sent one.</summary>
    internal static string? TriggeredETag(FunctionContext context)
    {
        if (!context.BindingContext.BindingData.TryGetValue("Properties", out var value) || value is null)
        {
            return null;
        }

        try
        {
            using var properties = JsonDocument.Parse(value as string ?? JsonSerializer.Serialize(value));
            return properties.RootElement.ValueKind == JsonValueKind.Object && properties.RootElement.TryGetProperty("ETag", out var etag)
                && etag.ValueKind == JsonValueKind.String
                ? etag.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal static class ThumbnailServices
{
    public static IServiceCollection AddThumbnails(this IServiceCollection services)
    {
        services.AddSingleton<ThumbnailProcessor>();
        return services;
    }
}
