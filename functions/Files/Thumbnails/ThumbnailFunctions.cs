using Hit.Platform.Triggers;

namespace Hit.Files.Thumbnails;

/// <summary>The blob-triggered thumbnail function (Event Grid source in Azure, the local host's poller here).</summary>
internal static class ThumbnailFunctions
{
    public const string FunctionName = "MakeThumbnail";

    public static IServiceCollection AddThumbnails(this IServiceCollection services)
    {
        services.AddSingleton<ThumbnailProcessor>();
        return services;
    }

    public static IEndpointRouteBuilder MapThumbnailFunctions(this IEndpointRouteBuilder app)
    {
        app.MapBlobTrigger(FunctionName, Storage.BlobLayout.UploadsContainer + "/{name}", MakeThumbnail);
        return app;
    }

    /// <summary>
    /// Runs the processor. Permanent problems (corrupt image, over the limits) are recorded on the file and the
    /// invocation succeeds — retrying cannot fix them. Only transient failures (storage, Cosmos) throw, so the host
    /// retries those and, after five attempts, poisons the blob.
    /// </summary>
    internal static Task MakeThumbnail(BlobTriggerInput blob, TriggerContext context, ThumbnailProcessor processor, CancellationToken cancellationToken) =>
        processor.ProcessAsync(blob, context.Logs, cancellationToken);
}
