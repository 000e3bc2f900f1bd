namespace Hit.Testing;

/// <summary>
/// Where the local stack that <c>./hit test</c> (or <c>./hit stack</c>) started lives, and the settings an app needs
/// to run against it — one place for every test fixture and benchmark. Addresses come from the <c>HIT_*</c>
/// variables the CLI sets, defaulting to the emulators' well-known ports.
/// </summary>
public static class TestStack
{
    /// <summary>The local Cosmos server ignores auth, but the SDK signs requests, so it needs a base64 key.</summary>
    public const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public static string StorageConnection => Variable("HIT_STORAGE_CONNECTION") ?? "UseDevelopmentStorage=true";

    public static string CosmosEndpoint => Variable("HIT_COSMOS_ENDPOINT") ?? "http://127.0.0.1:8081/";

    /// <summary>The folder holding <c>HitPlatform.sln</c>, found above the running assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The built app roots (<c>./hit build</c>): <c>HIT_APPS_DIR</c>, else <c>artifacts/apps</c>.</summary>
    public static string AppsDirectory => Variable("HIT_APPS_DIR") ?? Path.Combine(RepositoryRoot, "artifacts", "apps");

    /// <summary>One built app root; fails with the command to run when it has not been built.</summary>
    public static string AppRoot(string folder)
    {
        var root = Path.Combine(AppsDirectory, folder);
        return File.Exists(Path.Combine(root, "functions.metadata"))
            ? root
            : throw new InvalidOperationException($"{root} is not built: run ./hit build (./hit test does it first).");
    }

    /// <summary>
    /// Storage and Cosmos settings for an app against this stack, as configuration keys (<c>Cosmos:Endpoint</c>) for
    /// WebApplicationFactory; <paramref name="database"/> keeps a suite's documents apart from other suites'.
    /// </summary>
    public static Dictionary<string, string?> Settings(string database) => new()
    {
        ["AzureWebJobsStorage"] = StorageConnection,
        ["Cosmos:Endpoint"] = CosmosEndpoint,
        ["Cosmos:Key"] = CosmosKey,
        ["Cosmos:Local"] = "true",
        ["Cosmos:CreateResources"] = "true",
        ["Cosmos:DatabaseName"] = database,
    };

    /// <summary>The same settings as environment variables for a handler process (<c>Cosmos__Endpoint</c>).</summary>
    public static Dictionary<string, string?> AsEnvironment(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HitPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HitPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
