using System.Xml.Linq;
using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Spectre.Console;

namespace Hit.Cli.Building;

/// <summary>
/// <c>hit build</c>: each app becomes a complete Functions app root under <c>artifacts/apps/&lt;App&gt;/</c>.
/// An isolated-worker app (its project uses Microsoft.Azure.Functions.Worker.Sdk) is <c>dotnet publish</c>ed there:
/// the Worker SDK writes functions.metadata, worker.config.json and extensions.json — what <c>func start</c>, the local
/// host and Azure run. A custom-handler app (the model being retired) gets the self-contained linux-x64 handler in
/// <c>handler/</c>, and host.json plus one folder per function written by the app itself in manifest mode.
/// </summary>
internal static class AppBuilder
{
    public const string HandlerFolder = "handler";

    public static async Task<IReadOnlyList<string>> BuildAsync(Repository repo, IReadOnlyList<ModuleManifest> apps, string configuration, CancellationToken cancellationToken)
    {
        var roots = new List<string>();
        foreach (var app in apps)
        {
            var root = Path.Combine(repo.AppsOutput, app.Folder);
            // A clean root: files of an earlier build (or of the other hosting model) must not linger in what is deployed.
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            if (IsWorkerProject(app.ProjectPath))
            {
                await PublishWorkerAsync(repo, app, root, configuration, cancellationToken);
                roots.Add(root);
                continue;
            }

            var handler = Path.Combine(root, HandlerFolder);
            var assembly = AssemblyName(app.ProjectPath);
            var log = new List<string>();

            await AnsiConsole.Status().StartAsync($"Publishing {app.Name} (linux-x64, self-contained)…", async _ =>
            {
                var code = await ProcessRunner.RunAsync("dotnet",
                    ["publish", app.ProjectPath, "-c", configuration, "-r", "linux-x64", "--self-contained", "-o", handler, "--nologo", "-v", "q", "-p:GenerateDocumentationFile=false"],
                    repo.Root, onOutput: log.Add, cancellationToken: cancellationToken);
                if (code != 0)
                {
                    throw new CliException($"Publishing {app.Name} failed:\n{string.Join('\n', log)}");
                }
            });

            var executable = Path.Combine(handler, assembly);
            log.Clear();
            var manifestCode = await ProcessRunner.RunAsync(executable,
                ["--hit-manifest", root, "--hit-host-json", repo.HostJson, "--hit-executable", $"{HandlerFolder}/{assembly}", "--hit-working-directory", HandlerFolder],
                handler, new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" }, log.Add, cancellationToken);
            if (manifestCode != 0)
            {
                throw new CliException($"{app.Name} could not describe its functions:\n{string.Join('\n', log)}");
            }

            var functions = Directory.EnumerateFiles(root, "function.json", SearchOption.AllDirectories).Count();
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {app.Name}: {functions} functions → {Path.GetRelativePath(repo.Root, root)}");
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

    /// <summary>The handler executable is named after the project's assembly.</summary>
    internal static string AssemblyName(string projectPath)
    {
        var name = XDocument.Load(projectPath).Descendants("AssemblyName").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0);
        return name ?? Path.GetFileNameWithoutExtension(projectPath);
    }
}
