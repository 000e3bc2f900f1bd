using Hit.Platform.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageConnection"/> (read from configuration entry <paramref name="configName"/>, see
    /// <see cref="StorageConnection.FromConfiguration"/>), <see cref="BlobServiceClient"/> and
    /// <see cref="QueueServiceClient"/> as singletons. The connection is resolved lazily, on first use.
    /// </summary>
    public static IServiceCollection AddHitStorage(
        this IServiceCollection services,
        string configName = "AzureWebJobsStorage",
        Action<StorageClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configName);

        services.TryAddSingleton(_ =>
        {
            var options = new StorageClientOptions();
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp => StorageConnection.FromConfiguration(sp.GetRequiredService<IConfiguration>(), configName));
        services.TryAddSingleton(sp => new BlobServiceClient(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<StorageClientOptions>()));
        services.TryAddSingleton(sp => new QueueServiceClient(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<StorageClientOptions>()));
        return services;
    }
}
