using System.Text.Json.Nodes;

namespace Hit.LocalHost.Invocation;

/// <summary>The handler's HttpScriptInvocationResult: <c>{Outputs, Logs, ReturnValue}</c>, names matched case-insensitively.</summary>
internal sealed record InvocationResult(JsonObject Outputs, IReadOnlyList<string> Logs, JsonNode? ReturnValue)
{
    public static readonly InvocationResult Empty = new([], [], null);

    public static InvocationResult Parse(JsonNode? root)
    {
        if (root is not JsonObject obj)
        {
            return Empty;
        }

        JsonObject outputs = [];
        IReadOnlyList<string> logs = [];
        JsonNode? returnValue = null;
        foreach (var (key, value) in obj)
        {
            if (key.Equals("Outputs", StringComparison.OrdinalIgnoreCase) && value is JsonObject o)
            {
                outputs = o;
            }
            else if (key.Equals("Logs", StringComparison.OrdinalIgnoreCase) && value is JsonArray a)
            {
                logs = a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString() ?? string.Empty).ToList();
            }
            else if (key.Equals("ReturnValue", StringComparison.OrdinalIgnoreCase))
            {
                returnValue = value;
            }
        }

        return new InvocationResult(outputs, logs, returnValue);
    }

    /// <summary>The value for an output binding: <c>$return</c> reads ReturnValue, others read Outputs[name].</summary>
    public JsonNode? GetOutput(string bindingName)
    {
        if (bindingName == "$return")
        {
            return ReturnValue;
        }

        foreach (var (key, value) in Outputs)
        {
            if (key.Equals(bindingName, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
