using System.Globalization;
using System.Text.Json.Nodes;

namespace Hit.LocalHost.AppModel;

/// <summary>The parts of host.json the local host honours (reference §1, §3, §7).</summary>
internal sealed record HostConfiguration
{
    public required string ExecutablePath { get; init; }
    public string? WorkingDirectory { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public bool EnableForwardingHttpRequest { get; init; }

    /// <summary>customHandler.port (2025): a fixed handler port instead of a free one.</summary>
    public int? Port { get; init; }
    public TimeSpan InitializationTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? FunctionTimeout { get; init; }
    public string RoutePrefix { get; init; } = "api";
    public required QueueOptions Queues { get; init; }

    public static HostConfiguration Parse(JsonObject root)
    {
        var customHandler = root.GetObject("customHandler") ?? root.GetObject("httpWorker")
            ?? throw new InvalidDataException("host.json has no customHandler section; the local host only runs custom handlers.");
        var description = customHandler.GetObject("description")
            ?? throw new InvalidDataException("host.json customHandler.description is missing.");
        var executable = description.GetString("defaultExecutablePath");
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new InvalidDataException("host.json customHandler.description.defaultExecutablePath is required.");
        }

        // Argument order follows the host's worker command line: executable, arguments,
        // then the optional worker path and its arguments.
        var arguments = new List<string>();
        arguments.AddRange(description.GetStrings("arguments"));
        var workerPath = description.GetString("defaultWorkerPath");
        if (!string.IsNullOrEmpty(workerPath))
        {
            arguments.Add(workerPath);
        }
        arguments.AddRange(description.GetStrings("workerArguments"));

        var extensions = root.GetObject("extensions");
        var http = extensions?.GetObject("http");
        return new HostConfiguration
        {
            ExecutablePath = executable,
            WorkingDirectory = description.GetString("workingDirectory"),
            Arguments = arguments,
            EnableForwardingHttpRequest = customHandler.GetBool("enableForwardingHttpRequest") ?? false,
            Port = customHandler.GetInt("port"),
            InitializationTimeout = customHandler.GetTimeSpan("initializationTimeout") ?? TimeSpan.FromSeconds(30),
            FunctionTimeout = root.GetTimeSpan("functionTimeout"),
            // A missing routePrefix means "api"; an explicit "" removes the prefix.
            RoutePrefix = http?.GetString("routePrefix") ?? "api",
            Queues = QueueOptions.Parse(extensions?.GetObject("queues")),
        };
    }
}

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
