using System.Text.Json.Serialization;

namespace Hit.Contracts.Directory;

/// <summary><c>GET /health</c>.</summary>
/// <param name="Status"><c>healthy</c> or <c>unhealthy</c> (the database is unreachable; HTTP 503).</param>
/// <param name="Version">The service version.</param>
/// <param name="Database">Database connectivity.</param>
/// <param name="UptimeSeconds">Seconds since this instance started.</param>
/// <param name="Timestamp">The server's clock (UTC).</param>
public sealed record DirectoryHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("database")] DatabaseHealth Database,
    [property: JsonPropertyName("uptime_seconds")] double UptimeSeconds,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp);

/// <summary>Database connectivity: <c>connected</c> or <c>disconnected</c>, with the probe's round trip.</summary>
public sealed record DatabaseHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("error")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary><c>GET /</c>: what this service is and where its documentation lives.</summary>
public sealed record ServiceInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("documentation")] ServiceDocumentation Documentation,
    [property: JsonPropertyName("authentication")] ServiceAuthentication Authentication,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints);

/// <summary>Documentation addresses, relative to the service's base URL.</summary>
public sealed record ServiceDocumentation(
    [property: JsonPropertyName("swagger_ui")] string SwaggerUi,
    [property: JsonPropertyName("redoc")] string Redoc,
    [property: JsonPropertyName("openapi")] string OpenApi);

/// <summary>How requests are signed and which signature versions this namespace accepts.</summary>
public sealed record ServiceAuthentication(
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("headers")] IReadOnlyList<string> Headers,
    [property: JsonPropertyName("accepted_versions")] IReadOnlyList<int> AcceptedVersions,
    [property: JsonPropertyName("window_seconds")] int WindowSeconds);
