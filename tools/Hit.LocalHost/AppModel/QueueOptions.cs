using System.Globalization;
using System.Text.Json.Nodes;

namespace Hit.LocalHost.AppModel;

/// <summary>extensions.queues (reference §7), with the local-development polling default of 2 s.</summary>
internal sealed record QueueOptions
{
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;
    public int BatchSize { get; init; } = 16;
    public int MaxDequeueCount { get; init; } = 5;
    public bool Base64Encoding { get; init; } = true;

    public static QueueOptions Parse(JsonObject? queues)
    {
        if (queues is null)
        {
            return new QueueOptions();
        }

        var encoding = queues.GetString("messageEncoding");
        return new QueueOptions
        {
            MaxPollingInterval = queues.GetTimeSpan("maxPollingInterval") ?? TimeSpan.FromSeconds(2),
            VisibilityTimeout = queues.GetTimeSpan("visibilityTimeout") ?? TimeSpan.Zero,
            BatchSize = Math.Clamp(queues.GetInt("batchSize") ?? 16, 1, 32),
            MaxDequeueCount = Math.Max(1, queues.GetInt("maxDequeueCount") ?? 5),
            Base64Encoding = encoding is null || !encoding.Equals("none", StringComparison.OrdinalIgnoreCase),
        };
    }
}

internal static class JsonObjectExtensions
{
    public static JsonNode? GetNode(this JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var node))
        {
            return node;
        }

        // host.json and function.json keys are case-insensitive for the Functions host.
        foreach (var pair in obj)
        {
            if (pair.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    public static JsonObject? GetObject(this JsonObject obj, string name) => obj.GetNode(name) as JsonObject;

    public static string? GetString(this JsonObject obj, string name) => obj.GetNode(name) switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static bool? GetBool(this JsonObject obj, string name) => obj.GetNode(name) switch
    {
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) && bool.TryParse(s, out var b) => b,
        _ => null,
    };

    public static int? GetInt(this JsonObject obj, string name) => obj.GetNode(name) switch
    {
        JsonValue v when v.TryGetValue(out int i) => i,
        JsonValue v when v.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static TimeSpan? GetTimeSpan(this JsonObject obj, string name)
    {
        var text = obj.GetString(name);
        return text is not null && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static IReadOnlyList<string> GetStrings(this JsonObject obj, string name) => obj.GetNode(name) switch
    {
        JsonArray array => array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString() ?? string.Empty).ToList(),
        JsonValue v when v.TryGetValue(out string? s) => [s],
        _ => [],
    };
}
