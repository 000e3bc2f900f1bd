using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hit.LocalHost.AppModel;

/// <summary>A parsed Functions app root: host.json plus every <c>*/function.json</c>.</summary>
internal sealed record AppRoot(string RootPath, HostConfiguration Host, IReadOnlyList<FunctionDefinition> Functions)
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static async Task<AppRoot> LoadAsync(string rootPath, CancellationToken cancellationToken)
    {
        var fullRoot = Path.GetFullPath(rootPath);
        var hostJsonPath = Path.Combine(fullRoot, "host.json");
        if (!File.Exists(hostJsonPath))
        {
            throw new FileNotFoundException($"The app root '{fullRoot}' has no host.json.", hostJsonPath);
        }

        var host = HostConfiguration.Parse(await ReadObjectAsync(hostJsonPath, cancellationToken).ConfigureAwait(false));
        var functions = new List<FunctionDefinition>();
        foreach (var directory in Directory.EnumerateDirectories(fullRoot).Order(StringComparer.Ordinal))
        {
            var functionJson = Path.Combine(directory, "function.json");
            if (File.Exists(functionJson))
            {
                var root = await ReadObjectAsync(functionJson, cancellationToken).ConfigureAwait(false);
                functions.Add(FunctionDefinition.Parse(Path.GetFileName(directory), root));
            }
        }

        return new AppRoot(fullRoot, host, functions);
    }

    private static async Task<JsonObject> ReadObjectAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var node = await JsonNode.ParseAsync(stream, documentOptions: DocumentOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        return node as JsonObject ?? throw new InvalidDataException($"'{path}' is not a JSON object.");
    }
}
