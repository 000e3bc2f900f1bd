using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;

namespace Hit.LocalHost.TestWorker;

/// <summary>
/// Appends one JSON line per invocation to <c>$TEST_RECORD_DIR/&lt;FunctionName&gt;.jsonl</c>, so tests can see what
/// the worker received. Nothing is recorded when TEST_RECORD_DIR is unset.
/// </summary>
internal static class Recorder
{
    private static readonly Lock Gate = new();

    public static void Record(FunctionContext context, JsonObject fields)
    {
        var directory = Environment.GetEnvironmentVariable("TEST_RECORD_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        var line = new JsonObject
        {
            ["invocationId"] = context.InvocationId,
            ["function"] = context.FunctionDefinition.Name,
            ["utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in fields)
        {
            line[name] = value?.DeepClone();
        }

        var path = Path.Combine(directory, context.FunctionDefinition.Name + ".jsonl");
        // One lock for all files: invocations run concurrently, and a line must never interleave with another.
        lock (Gate)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllText(path, line.ToJsonString() + "\n");
        }
    }

    /// <summary>A trigger-metadata value as the worker holds it (a string, or JSON text for JSON values).</summary>
    public static string? BindingData(FunctionContext context, string key) =>
        context.BindingContext.BindingData.TryGetValue(key, out var value) ? value?.ToString() : null;
}
