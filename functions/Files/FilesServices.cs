using Hit.Files.Storage;
using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hit.Files;

/// <summary>What every files feature shares: options, the Cosmos container, storage clients and URL signing.</summary>
internal static class FilesServices
{
    public const string ContainerName = "files";

    public static IServiceCollection AddFilesCore(this IServiceCollection services)
    {
        services.AddOptions<FilesOptions>().BindConfiguration(FilesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FilesOptions>, FilesOptionsValidator>();
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, FilesDocumentsJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddFilesBlobStorage();
        services.AddSingleton<FileStore>();
        services.AddSingleton<BlobUrlSigner>();
        services.AddSingleton<BlobContainers>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
