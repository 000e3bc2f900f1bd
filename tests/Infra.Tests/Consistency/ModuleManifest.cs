using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Infra.Tests.Consistency;

/// <summary>functions/&lt;App&gt;/hit-module.yaml: what an app is and which platform resources it touches.</summary>
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

    /// <summary>The folder under functions/ the manifest came from (not part of the YAML).</summary>
    [YamlIgnore]
    public string Folder { get; set; } = "";

    public static ModuleManifest Parse(string yaml, string folder)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        var manifest = deserializer.Deserialize<ModuleManifest?>(yaml) ?? new ModuleManifest();
        manifest.Folder = folder;
        return manifest;
    }

    /// <summary>Every functions/*/hit-module.yaml under <paramref name="repoRoot"/>, plus app folders without one (Name empty).</summary>
    public static IReadOnlyList<ModuleManifest> LoadAll(string repoRoot)
    {
        var functions = Path.Combine(repoRoot, "functions");
        if (!Directory.Exists(functions))
        {
            return [];
        }

        return [.. Directory.GetDirectories(functions)
            .Order(StringComparer.Ordinal)
            .Select(dir =>
            {
                var folder = Path.GetFileName(dir);
                var file = Path.Combine(dir, "hit-module.yaml");
                return File.Exists(file) ? Parse(File.ReadAllText(file), folder) : new ModuleManifest { Folder = folder };
            })];
    }

    public sealed class CosmosSection
    {
        public List<CosmosContainer> Containers { get; set; } = [];
    }

    public sealed class CosmosContainer
    {
        public string Name { get; set; } = "";

        public bool Ttl { get; set; }
    }

    public sealed class StorageSection
    {
        public QueueSection Queues { get; set; } = new();

        public BlobSection Blobs { get; set; } = new();
    }

    public sealed class QueueSection
    {
        public List<string> Trigger { get; set; } = [];

        public List<string> Send { get; set; } = [];
    }

    public sealed class BlobSection
    {
        public List<string> Trigger { get; set; } = [];

        public List<string> ReadWrite { get; set; } = [];
    }

    public sealed class WebPubSubSection
    {
        public List<string> Hubs { get; set; } = [];
    }

    public sealed class SettingSpec
    {
        public string Name { get; set; } = "";

        public string? From { get; set; }

        public string? Value { get; set; }
    }
}
