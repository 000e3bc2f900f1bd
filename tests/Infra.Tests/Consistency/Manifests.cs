using Hit.Cli.Repo;

namespace Infra.Tests.Consistency;

/// <summary>Loads every app folder's manifest (the model is the CLI's <see cref="ModuleManifest"/>).</summary>
public static class Manifests
{
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
                return File.Exists(file) ? ModuleManifest.Parse(File.ReadAllText(file), folder) : new ModuleManifest { Folder = folder };
            })];
    }
}
