namespace Infra.Tests.Consistency;

/// <summary>The Bicep text the checker reads: main.bicep and modules/*.bicep (by file name).</summary>
public sealed class InfraSources
{
    public required string Main { get; init; }

    public required IReadOnlyDictionary<string, string> Modules { get; init; }

    public static InfraSources Load(string repoRoot)
    {
        var bicep = Path.Combine(repoRoot, "infra", "bicep");
        return new InfraSources
        {
            Main = File.ReadAllText(Path.Combine(bicep, "main.bicep")),
            Modules = Directory.GetFiles(Path.Combine(bicep, "modules"), "*.bicep")
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal),
        };
    }

    public string Module(string fileName) => Modules.TryGetValue(fileName, out var text) ? text : "";

    /// <summary>A copy with main.bicep rewritten (for negative tests).</summary>
    public InfraSources WithMain(Func<string, string> edit) => new() { Main = edit(Main), Modules = Modules };

    /// <summary>A copy with one module rewritten (for negative tests).</summary>
    public InfraSources WithModule(string fileName, Func<string, string> edit)
    {
        var modules = new Dictionary<string, string>(Modules, StringComparer.Ordinal)
        {
            [fileName] = edit(Module(fileName)),
        };
        return new InfraSources { Main = Main, Modules = modules };
    }
}
