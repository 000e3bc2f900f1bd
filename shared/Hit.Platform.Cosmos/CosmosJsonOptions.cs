using System.Text.Json;

namespace Hit.Platform.Cosmos;

/// <summary>
/// JSON settings of the Cosmos serializer (web defaults). Configure with
/// <c>services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, AppJsonContext.Default))</c>.
/// </summary>
public sealed class CosmosJsonOptions
{
    public JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web);
}
