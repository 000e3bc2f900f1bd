using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Hit.Files.Storage;

/// <summary>
/// The app's <see cref="BlobServiceClient"/> from the <c>AzureWebJobsStorage</c> connection, read the way the
/// Functions host reads it: a connection string (Azurite, <c>UseDevelopmentStorage=true</c>), or in Azure the
/// identity-based keys <c>AzureWebJobsStorage__blobServiceUri</c> (or <c>__serviceUri</c> / <c>__accountName</c>) with
/// <c>__credential=managedidentity</c> and <c>__clientId</c>. The blob trigger's own BlobClient comes from the
/// worker's storage extension, which reads the same settings.
/// </summary>
internal static class BlobStorage
{
    public const string ConnectionName = "AzureWebJobsStorage";

    public static IServiceCollection AddFilesBlobStorage(this IServiceCollection services)
    {
        services.AddSingleton(provider => Create(provider.GetRequiredService<IConfiguration>()));
        return services;
    }

    public static BlobServiceClient Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionName] is { Length: > 0 } direct ? direct : configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrEmpty(connectionString))
        {
            // An account key in the string (Azurite's well-known one included): the client can sign service SAS URLs.
            return new BlobServiceClient(connectionString);
        }

        var section = configuration.GetSection(ConnectionName);
        var endpoint = section["blobServiceUri"] ?? section["serviceUri"]
            ?? (section["accountName"] is { Length: > 0 } account ? $"https://{account}.blob.core.windows.net" : null)
            ?? throw new InvalidOperationException(
                $"No storage connection: set {ConnectionName} (a connection string) or {ConnectionName}__blobServiceUri / __accountName.");
        return new BlobServiceClient(new Uri(endpoint), Credential(section));
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
}
