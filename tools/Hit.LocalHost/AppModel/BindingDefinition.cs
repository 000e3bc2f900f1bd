using System.Text.Json.Nodes;

namespace Hit.LocalHost.AppModel;

/// <summary>One binding entry of a function.json.</summary>
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

/// <summary>A function folder: its name (the folder name) and bindings.</summary>
internal sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings, bool Disabled)
{
    public BindingDefinition? Trigger => Bindings.FirstOrDefault(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => b.IsOut);

    /// <summary>
    /// The host forwards the raw request only for exactly one httpTrigger plus one http output
    /// (FunctionMetadataExtensions.IsHttpInAndOutFunction, reference §3b).
    /// </summary>
    public bool IsHttpInAndOut =>
        Bindings.Count == 2
        && Bindings.Count(b => b.Is("httpTrigger")) == 1
        && Bindings.Count(b => b.Is("http") && b.IsOut) == 1;

    public static FunctionDefinition Parse(string name, JsonObject root)
    {
        var bindings = root.GetNode("bindings") as JsonArray ?? [];
        return new FunctionDefinition(
            name,
            bindings.OfType<JsonObject>().Select(BindingDefinition.Parse).ToList(),
            root.GetBool("disabled") ?? false);
    }
}
