using System.Text.Json;
using System.Text.Json.Serialization;
using Hit.Contracts.PingPong;

namespace Hit.Contracts;

/// <summary>
/// The one source-generated serializer context for every request and response record the services and the
/// SDK share. Source generation keeps cold start low and keeps the wire shape identical on both sides.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CounterResponse))]
public sealed partial class HitJsonContext : JsonSerializerContext;
