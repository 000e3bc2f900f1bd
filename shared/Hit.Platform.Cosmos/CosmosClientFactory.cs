using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos;

internal static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options, JsonSerializerOptions json)
    {
        var endpoint = new Uri(options.Endpoint, UriKind.Absolute);
        var clientOptions = CreateClientOptions(options, endpoint, json);

        return string.IsNullOrEmpty(options.Key)
            ? new CosmosClient(options.Endpoint, CreateCredential(options), clientOptions)
            : new CosmosClient(options.Endpoint, options.Key, clientOptions);
    }

    internal static CosmosClientOptions CreateClientOptions(CosmosOptions options, Uri endpoint, JsonSerializerOptions json)
    {
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "hit-platform",
            Serializer = new SystemTextJsonCosmosSerializer(json),
        };

        if (options.Local)
        {
            // The local server speaks only the gateway protocol and describes itself with its own
            // address; following the account's region list would send requests elsewhere.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
        }

        // Validation already restricts this to loopback; the check is repeated here so a future caller
        // that skips options validation still cannot switch certificate checks off for a remote host.
        if (options.AcceptAnyServerCertificate && CosmosOptions.IsLoopback(endpoint))
        {
            clientOptions.ServerCertificateCustomValidationCallback = static (_, _, _) => true;
        }

        return clientOptions;
    }

    internal static JsonSerializerOptions WithReflectionFallback(JsonSerializerOptions json)
    {
        if (json.IsReadOnly)
        {
            return json;
        }

        // Source-generated contexts supplied by the app come first; reflection covers the rest
        // (framework types such as patch values), so a missing registration is slower, not fatal.
        if (json.TypeInfoResolver is null)
        {
            json.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        }
        else if (json.TypeInfoResolverChain.All(r => r is not DefaultJsonTypeInfoResolver))
        {
            json.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        }

        return json;
    }

    private static TokenCredential CreateCredential(CosmosOptions options) =>
        string.IsNullOrEmpty(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
}
