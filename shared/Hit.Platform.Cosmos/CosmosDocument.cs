using System.Text.Json.Serialization;

namespace Hit.Platform.Cosmos;

/// <summary>
/// The fields every stored document carries: its id, its partition key (which starts with the tenant
/// namespace, see <see cref="CosmosKeys"/>), the namespace itself, and the server's ETag.
/// </summary>
public interface ICosmosDocument
{
    string Id { get; }

    string Pk { get; }

    string Ns { get; }

    /// <summary>Set by the server on every read/write; null on a document not yet stored.</summary>
    string? ETag { get; }
}

/// <summary>Base record for documents; derive app documents from it (<c>sealed record Counter : CosmosDocument</c>).</summary>
public abstract record CosmosDocument : ICosmosDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("pk")]
    public required string Pk { get; init; }

    [JsonPropertyName("ns")]
    public required string Ns { get; init; }

    // The service ignores system properties in request bodies; concurrency goes through IfMatchEtag.
    [JsonPropertyName("_etag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ETag { get; init; }

    /// <summary>Per-document TTL in seconds (needs TTL enabled on the container); null = container default.</summary>
    [JsonPropertyName("ttl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Ttl { get; init; }
}
