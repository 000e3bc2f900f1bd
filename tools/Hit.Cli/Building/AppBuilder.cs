using System.Xml.Linq;
using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Spectre.Console;

namespace Hit.Cli.Building;

/// <summary>
/// <c>hit build</c>: each app becomes a complete Functions app root under <c>artifacts/apps/&lt;App&gt;/</c>: the
/// isolated-worker project is <c>dotnet publish</c>ed there, and the Worker SDK writes functions.metadata,
/// worker.config.json and extensions.json — what <c>func start</c>, the local host and Azure run.
/// </summary>
internal static class AppBuilder
{
    public static async Task<IReadOnlyList<string>> BuildAsync(Repository repo, IReadOnlyList<ModuleManifest> apps, string configuration, CancellationToken cancellationToken)
    {
        var roots = new List<string>();
        foreach (var app in apps)
        {
            if (!IsWorkerProject(app.ProjectPath))
            {
                throw new CliException($"{app.Name}: {Path.GetRelativePath(repo.Root, app.ProjectPath)} does not reference Microsoft.Azure.Functions.Worker.Sdk; every app is an isolated-worker Functions app (shared/ARCHITECTURE.md §2).");
            }

            var root = Path.Combine(repo.AppsOutput, app.Folder);
            // A clean root: files of an earlier build must not linger in what is deployed.
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            await PublishWorkerAsync(repo, app, root, configuration, cancellationToken);
            roots.Add(root);
        }

        return roots;
    }

    private static async Task PublishWorkerAsync(Repository repo, ModuleManifest app, string root, string configuration, CancellationToken cancellationToken)
    {
        var log = new List<string>();
        await AnsiConsole.Status().StartAsync($"Publishing {app.Name} (isolated worker)…", async _ =>
        {
            var code = await ProcessRunner.RunAsync("dotnet",
                ["publish", app.ProjectPath, "-c", configuration, "-o", root, "--nologo", "-v", "q", "-p:GenerateDocumentationFile=false"],
                repo.Root, onOutput: log.Add, cancellationToken: cancellationToken);
            if (code != 0)
            {
                throw new CliException($"Publishing {app.Name} failed:\n{string.Join('\n', log)}");
            }
        });

        var metadata = Path.Combine(root, "functions.metadata");
        if (!File.Exists(metadata) || !File.Exists(Path.Combine(root, "worker.config.json")))
        {
            throw new CliException($"{app.Name}: the publish output has no functions.metadata/worker.config.json; does the project reference Microsoft.Azure.Functions.Worker.Sdk?");
        }

        var functions = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(metadata, cancellationToken))?.AsArray().Count ?? 0;
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {app.Name}: {functions} functions (isolated worker) → {Path.GetRelativePath(repo.Root, root)}");
    }

    /// <summary>An isolated-worker project references the Worker SDK, which generates the function metadata.</summary>
    internal static bool IsWorkerProject(string projectPath) =>
        XDocument.Load(projectPath).Descendants("PackageReference")
            .Any(e => string.Equals((string?)e.Attribute("Include"), "Microsoft.Azure.Functions.Worker.Sdk", StringComparison.OrdinalIgnoreCase));
}
