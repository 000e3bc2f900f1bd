using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Hit.Cli.Repo;

/// <summary>
/// One app, from <c>functions/&lt;App&gt;/hit-module.yaml</c>: what it is and which platform resources it touches.
/// The CLI builds and runs apps from it; the infra consistency tests check the Bicep against it.
/// </summary>
public sealed class ModuleManifest
{
    public string Name { get; set; } = "";

    public string Project { get; set; } = "";

    public string Description { get; set; } = "";

    public CosmosSection Cosmos { get; set; } = new();

    public StorageSection Storage { get; set; } = new();

    [YamlMember(Alias = "webpubsub")]
    public WebPubSubSection WebPubSub { get; set; } = new();

    public List<SettingSpec> Settings { get; set; } = [];

    /// <summary>Folder under <c>functions/</c> (and under <c>artifacts/apps/</c>).</summary>
    [YamlIgnore]
    public string Folder { get; set; } = "";

    [YamlIgnore]
    public string Directory { get; set; } = "";

    public string ProjectPath => Path.Combine(Directory, Project);

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    /// <summary>Parses one manifest; <paramref name="folder"/> is the app's folder under <c>functions/</c>.</summary>
    public static ModuleManifest Parse(string yaml, string folder)
    {
        var manifest = Yaml.Deserialize<ModuleManifest?>(yaml) ?? new ModuleManifest();
        manifest.Folder = folder;
        return manifest;
    }

    internal static IReadOnlyList<ModuleManifest> LoadAll(Repository repo)
    {
        if (!System.IO.Directory.Exists(repo.FunctionsDir))
        {
            return [];
        }

        var modules = new List<ModuleManifest>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(repo.FunctionsDir).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "hit-module.yaml");
            if (!File.Exists(file))
            {
                continue;
            }

            var module = Parse(File.ReadAllText(file), Path.GetFileName(dir));
            module.Directory = dir;
            if (string.IsNullOrWhiteSpace(module.Name) || string.IsNullOrWhiteSpace(module.Project) || !File.Exists(module.ProjectPath))
            {
                throw new CliException($"{file} must name the app ('name') and its project file ('project', found next to it).");
            }

            modules.Add(module);
        }

        return modules;
    }

    /// <summary>Selects apps by name or folder (case-insensitive); none named = all.</summary>
    internal static IReadOnlyList<ModuleManifest> Select(IReadOnlyList<ModuleManifest> all, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            return all;
        }

        var unknown = names.Where(n => !all.Any(m => Matches(m, n))).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"Unknown app(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", all.Select(m => m.Name))}.");
        }

        return [.. all.Where(m => names.Any(n => Matches(m, n)))];
    }

    private static bool Matches(ModuleManifest module, string name) =>
        module.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || module.Folder.Equals(name, StringComparison.OrdinalIgnoreCase);

    public sealed class CosmosSection
    {
        public List<CosmosContainer> Containers { get; set; } = [];
    }

    public sealed class CosmosContainer
    {
        public string Name { get; set; } = "";

        /// <summary>Per-item TTL enabled on the container (idempotency keys, sessions).</summary>
        public bool Ttl { get; set; }
    }

    public sealed class StorageSection
    {
        public QueueSection Queues { get; set; } = new();

        public BlobSection Blobs { get; set; } = new();
    }

    public sealed class QueueSection
    {
        /// <summary>Queues the app's queue triggers read.</summary>
        public List<string> Trigger { get; set; } = [];

        /// <summary>Queues the app sends to.</summary>
        public List<string> Send { get; set; } = [];
    }

    public sealed class BlobSection
    {
        /// <summary>Containers whose blob triggers fire.</summary>
        public List<string> Trigger { get; set; } = [];

        /// <summary>Containers the app reads and writes.</summary>
        public List<string> ReadWrite { get; set; } = [];
    }

    public sealed class WebPubSubSection
    {
        public List<string> Hubs { get; set; } = [];
    }

    /// <summary>
    /// A setting the app requires on start: exactly one of a literal <c>value</c>, where it comes <c>from</c>,
    /// or the Key Vault <c>secret</c> that holds it.
    /// </summary>
    public sealed class SettingSpec
    {
        public string Name { get; set; } = "";

        public string? From { get; set; }

        public string? Value { get; set; }

        /// <summary>
        /// Name of a Key Vault secret: in Azure the setting becomes a Key Vault reference resolved with the
        /// app's identity (infra/bicep). Locally the value comes from local.settings.json, as for any setting.
        /// </summary>
        public string? Secret { get; set; }
    }
}
