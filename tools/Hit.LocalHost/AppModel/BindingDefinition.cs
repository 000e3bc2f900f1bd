using System.Text.Json.Nodes;

namespace Hit.LocalHost.AppModel;

/// <summary>One binding of a function, as functions.metadata (or a function.json) declares it.</summary>
internal sealed record BindingDefinition(string Type, string Direction, string Name, string? DataType, JsonObject Raw)
{
    public bool IsBinary => string.Equals(DataType, "binary", StringComparison.OrdinalIgnoreCase);

    public bool IsOut => Direction.Equals("out", StringComparison.OrdinalIgnoreCase);

    public bool Is(string type) => Type.Equals(type, StringComparison.OrdinalIgnoreCase);

    public string? Get(string property) => Raw.GetString(property);

    public static BindingDefinition Parse(JsonObject raw) => new(
        raw.GetString("type") ?? string.Empty,
        raw.GetString("direction") ?? "in",
        raw.GetString("name") ?? string.Empty,
        raw.GetString("dataType"),
        raw);
}
