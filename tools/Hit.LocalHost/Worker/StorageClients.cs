using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hit.LocalHost.AppModel;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Storage clients for a binding's <c>connection</c>, resolved the way the Functions host resolves it: the setting
/// itself, then <c>AzureWebJobs&lt;name&gt;</c> (default <c>AzureWebJobsStorage</c>), as a connection string — or
/// identity-based, <c>&lt;name&gt;__blobServiceUri</c> / <c>__queueServiceUri</c> / <c>__serviceUri</c> /
/// <c>__accountName</c> with <c>__credential=managedidentity</c> and <c>__clientId</c>.
/// </summary>
internal sealed class StorageClients(AppSettings settings)
{
    private readonly Dictionary<string, BlobServiceClient> _blobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, QueueServiceClient> _queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public static string ConnectionName(string? connection) => string.IsNullOrEmpty(connection) ? "AzureWebJobsStorage" : connection;

    public BlobServiceClient Blobs(string? connection)
    {
        lock (_gate)
        {
            var name = ConnectionName(connection);
            if (!_blobs.TryGetValue(name, out var client))
            {
                client = Resolve(name, "blob", cs => new BlobServiceClient(cs), (uri, credential) => new BlobServiceClient(uri, credential));
                _blobs[name] = client;
            }

            return client;
        }
    }

    /// <summary>Queue clients that neither encode nor decode: the host owns the Base64 convention (host.json messageEncoding).</summary>
    public QueueServiceClient Queues(string? connection)
    {
        lock (_gate)
        {
            var name = ConnectionName(connection);
            if (!_queues.TryGetValue(name, out var client))
            {
                var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
                client = Resolve(name, "queue", cs => new QueueServiceClient(cs, options), (uri, credential) => new QueueServiceClient(uri, credential, options));
                _queues[name] = client;
            }

            return client;
        }
    }

    private T Resolve<T>(string name, string service, Func<string, T> fromConnectionString, Func<Uri, TokenCredential, T> fromIdentity)
    {
        foreach (var candidate in new[] { name, "AzureWebJobs" + name })
        {
            if (settings.Get(candidate) is { Length: > 0 } connectionString)
            {
                return fromConnectionString(connectionString);
            }

            var uri = settings.Get($"{candidate}__{service}ServiceUri") ?? settings.Get($"{candidate}__serviceUri")
                ?? (settings.Get($"{candidate}__accountName") is { Length: > 0 } account ? $"https://{account}.{service}.core.windows.net" : null);
            if (uri is not null)
            {
                return fromIdentity(new Uri(uri), Credential(candidate));
            }
        }

        throw new InvalidOperationException($"Storage connection '{name}' is not defined: set '{name}' (a connection string) or '{name}__{service}ServiceUri'.");
    }

    private TokenCredential Credential(string prefix)
    {
        var clientId = settings.Get($"{prefix}__clientId");
        return string.Equals(settings.Get($"{prefix}__credential"), "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }
}
