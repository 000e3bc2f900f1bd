using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Hit.Cli.Repo;

/// <summary>One app, from <c>functions/&lt;App&gt;/hit-module.yaml</c>.</summary>
internal sealed class ModuleManifest
{
    public string Name { get; set; } = "";

    public string Project { get; set; } = "";

    public string Description { get; set; } = "";

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

    public static IReadOnlyList<ModuleManifest> LoadAll(Repository repo)
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

            var module = Yaml.Deserialize<ModuleManifest>(File.ReadAllText(file)) ?? throw new CliException($"{file} is empty.");
            module.Folder = Path.GetFileName(dir);
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
    public static IReadOnlyList<ModuleManifest> Select(IReadOnlyList<ModuleManifest> all, IReadOnlyCollection<string> names)
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
}
