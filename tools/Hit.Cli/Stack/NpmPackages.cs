using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Spectre.Console;

namespace Hit.Cli.Stack;

/// <summary>The local stack's npm packages, pinned by package-lock.json and installed with <c>npm ci</c>.</summary>
internal static class NpmPackages
{
    /// <summary>Installs the stack when node_modules is missing or older than the lock file.</summary>
    public static async Task EnsureAsync(Repository repo, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(repo.NodeModules, ".package-lock.json");
        var lockFile = Path.Combine(repo.Root, "package-lock.json");
        if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(lockFile))
        {
            return;
        }

        if (!ProcessRunner.OnPath("npm"))
        {
            throw new CliException("npm is required for the local stack (Node.js ≥ 20).");
        }

        var log = new List<string>();
        await AnsiConsole.Status().StartAsync("Installing the local stack (npm ci)…", async _ =>
        {
            var code = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], repo.Root, onOutput: log.Add, cancellationToken: cancellationToken);
            if (code != 0)
            {
                throw new CliException("npm ci failed:\n" + string.Join('\n', log));
            }
        });
        AnsiConsole.MarkupLine("[green]✓[/] local stack installed (azurite, cosmosdb-server, maildev)");
    }

    /// <summary>The JavaScript entry point behind <c>node_modules/.bin/&lt;name&gt;</c> (run with node, no shell shims).</summary>
    public static string Bin(Repository repo, string name)
    {
        var link = Path.Combine(repo.NodeModules, ".bin", name);
        var target = File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link;
        return File.Exists(target) ? target : throw new CliException($"{name} is not installed; run ./hit stack or npm ci.");
    }

    public static void EnsureInstalledHint(Repository repo)
    {
        if (!Directory.Exists(repo.NodeModules))
        {
            throw new CliException("The local stack is not installed (node_modules missing); ./hit run and ./hit test install it.");
        }
    }
}
