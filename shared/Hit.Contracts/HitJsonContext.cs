using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hit.Contracts;

/// <summary>
/// The one source-generated serializer context for every request and response record the services and the
/// SDK share. Source generation keeps cold start low and keeps the wire shape identical on both sides.
/// Each app's folder adds its types in its own partial declaration (<c>PingPong/HitJsonContext.PingPong.cs</c>),
/// so apps never edit a shared list.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
public sealed partial class HitJsonContext : JsonSerializerContext;
