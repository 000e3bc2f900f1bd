using System.Text.Json.Nodes;

namespace Hit.Platform.Manifest;

/// <summary>Marks an endpoint the Functions host must not expose (the handler's own probe).</summary>
public sealed class NotAFunction
{
    public static readonly NotAFunction Instance = new();

    private NotAFunction()
    {
    }
}

/// <summary>
/// Binding metadata for a non-HTTP function (queue, blob, Web PubSub triggers): the trigger binding and any output
/// bindings, exactly as they will appear in <c>function.json</c>. Attached to the <c>POST /{FunctionName}</c> endpoint
/// the host invokes with the JSON envelope.
/// </summary>
public sealed class TriggerFunctionMetadata(string functionName, JsonObject trigger)
{
    public string FunctionName { get; } = functionName;

    public JsonObject Trigger { get; } = trigger;

    public List<JsonObject> Outputs { get; } = [];

    /// <summary>Name of the trigger binding: the key of the trigger value in the envelope's <c>Data</c>.</summary>
    public string TriggerBindingName => (string)Trigger["name"]!;
}
