using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// An isolated-worker app root as the Worker SDK writes it: <c>worker.config.json</c> (how to start the worker),
/// <c>host.json</c> (HTTP route prefix, queue options, log levels, timeouts) and the worker assembly. The functions
/// themselves come from the worker at run time (<c>workerIndexing</c>), not from files.
/// </summary>
internal sealed record WorkerAppRoot(
    string RootPath,
    string Executable,
    IReadOnlyList<string> Arguments,
    string RoutePrefix,
    QueueOptions Queues,
    TimeSpan? FunctionTimeout,
    LogLevels LogLevels)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>A folder is a worker app root when it has worker.config.json and host.json names no custom handler.</summary>
    public static bool IsWorkerAppRoot(string rootPath)
    {
        var root = Path.GetFullPath(rootPath);
        if (!File.Exists(Path.Combine(root, "worker.config.json")))
        {
            return false;
        }

        var hostJson = Path.Combine(root, "host.json");
        if (!File.Exists(hostJson))
        {
            return false;
        }

        var host = JsonNode.Parse(File.ReadAllText(hostJson), documentOptions: DocumentOptions) as JsonObject;
        return host?.GetObject("customHandler") is null && host?.GetObject("httpWorker") is null;
    }

    public static async Task<WorkerAppRoot> LoadAsync(string rootPath, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(rootPath);
        var host = await ReadObjectAsync(Path.Combine(root, "host.json"), cancellationToken).ConfigureAwait(false);
        var config = await ReadObjectAsync(Path.Combine(root, "worker.config.json"), cancellationToken).ConfigureAwait(false);
        var description = config.GetObject("description")
            ?? throw new InvalidDataException($"{root}/worker.config.json has no 'description'.");

        // RpcWorkerConfigFactory: defaultExecutablePath (here "dotnet"), then arguments, then defaultWorkerPath.
        var executable = description.GetString("defaultExecutablePath") ?? "dotnet";
        var arguments = new List<string>(description.GetStrings("arguments"));
        if (description.GetString("defaultWorkerPath") is { Length: > 0 } workerPath)
        {
            arguments.Add(workerPath.Replace("{os}", "linux", StringComparison.Ordinal).Replace("{architecture}", "x64", StringComparison.Ordinal));
        }

        arguments.AddRange(description.GetStrings("workerArguments"));
        var extensions = host.GetObject("extensions");
        return new WorkerAppRoot(
            root,
            executable,
            arguments,
            extensions?.GetObject("http")?.GetString("routePrefix") ?? "api",
            QueueOptions.Parse(extensions?.GetObject("queues")),
            host.GetTimeSpan("functionTimeout"),
            LogLevels.Parse(host.GetObject("logging")?.GetObject("logLevel")));
    }

    private static async Task<JsonObject> ReadObjectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is missing: is this a built isolated-worker app root?", path);
        }

        await using var stream = File.OpenRead(path);
        var node = await JsonNode.ParseAsync(stream, documentOptions: DocumentOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        return node as JsonObject ?? throw new InvalidDataException($"'{path}' is not a JSON object.");
    }
}

/// <summary>
/// host.json <c>logging.logLevel</c>: the longest configured category prefix decides (as Microsoft.Extensions.Logging
/// filters do), else <c>default</c>, else Information.
/// </summary>
internal sealed class LogLevels(IReadOnlyDictionary<string, LogLevel> levels)
{
    public static LogLevels Parse(JsonObject? logLevel)
    {
        var levels = new Dictionary<string, LogLevel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (category, value) in logLevel ?? [])
        {
            if (value is JsonValue v && v.TryGetValue(out string? text) && Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level))
            {
                levels[category] = level;
            }
        }

        return new LogLevels(levels);
    }

    public bool IsEnabled(string category, LogLevel level)
    {
        var best = levels.TryGetValue("default", out var fallback) ? fallback : LogLevel.Information;
        var bestLength = -1;
        foreach (var (prefix, configured) in levels)
        {
            if (prefix.Length > bestLength && !prefix.Equals("default", StringComparison.OrdinalIgnoreCase)
                && (category.Equals(prefix, StringComparison.OrdinalIgnoreCase) || category.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase)))
            {
                best = configured;
                bestLength = prefix.Length;
            }
        }

        return level != LogLevel.None && level >= best;
    }
}
