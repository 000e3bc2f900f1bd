using System.Xml.Linq;
using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Spectre.Console;

namespace Hit.Cli.Building;

/// <summary>
/// <c>hit build</c>: each app becomes a complete Functions app root under <c>artifacts/apps/&lt;App&gt;/</c> — the
/// self-contained linux-x64 handler in <c>handler/</c>, and host.json plus one folder per function written by the
/// app itself in manifest mode (so function.json can never drift from the endpoint table).
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

    /// <summary>The handler executable is named after the project's assembly.</summary>
    internal static string AssemblyName(string projectPath)
    {
        var name = XDocument.Load(projectPath).Descendants("AssemblyName").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0);
        return name ?? Path.GetFileNameWithoutExtension(projectPath);
    }
}
