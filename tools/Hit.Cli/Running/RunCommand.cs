using Hit.Cli.Building;
using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Hit.Cli.Stack;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hit.Cli.Running;

/// <summary>
/// <c>hit run</c>: the whole platform on this machine — the local stack, one local Functions host per app (or Core
/// Tools with <c>--func</c>) and the gateway that serves every app under <c>/&lt;app-name&gt;/…</c>, as API Management
/// does in Azure. Prints a line containing <c>ready</c> once every app answers; Ctrl+C or SIGTERM stops it all.
/// </summary>
internal static class RunCommand
{
    public sealed record Options(IReadOnlyList<string> Apps, int Port, bool UseFunc, bool NoBuild, StackPorts StackPorts);

    public static async Task<int> RunAsync(Repository repo, Options options, CancellationToken cancellationToken)
    {
        var apps = ModuleManifest.Select(ModuleManifest.LoadAll(repo), options.Apps);
        if (apps.Count == 0)
        {
            throw new CliException("No apps found under functions/ (each needs a hit-module.yaml).");
        }

        if (options.UseFunc && !ProcessRunner.OnPath("func"))
        {
            throw new CliException("--func needs Azure Functions Core Tools ('func') on PATH; without it, hit run uses the bundled local host.");
        }

        await NpmPackages.EnsureAsync(repo, cancellationToken);
        if (!options.NoBuild)
        {
            await AppBuilder.BuildAsync(repo, apps, "Release", cancellationToken);
        }

        var runDirectory = Path.Combine(repo.StateDir, "runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        await using var stack = await AnsiConsole.Status().StartAsync("Starting the local stack…",
            _ => LocalStack.StartAsync(repo, options.StackPorts, runDirectory, cancellationToken));
        var ports = stack.Ports;
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] Azurite  blob http://127.0.0.1:{ports.Blob}  queue http://127.0.0.1:{ports.Queue}");
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] Cosmos   {ports.CosmosEndpoint}");
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] maildev  {ports.MailWebUrl}  (SMTP 127.0.0.1:{ports.Smtp})");

        var (source, loaded) = LocalSettings.Load(repo, ports);
        var settings = LocalSettings.PointAtGateway(loaded, options.Port);
        AnsiConsole.MarkupLineInterpolated($"  settings from {source}; data and logs in {Path.GetRelativePath(repo.Root, runDirectory)}");

        using var loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        var hosts = new List<IAsyncDisposable>();
        await using var gateway = new LocalGateway(new LocalGatewayOptions { Port = options.Port, Logger = loggers.CreateLogger("gateway") });
        try
        {
            var completions = new List<Task>();
            foreach (var app in apps)
            {
                var root = Path.Combine(repo.AppsOutput, app.Folder);
                if (!File.Exists(Path.Combine(root, "host.json")))
                {
                    throw new CliException($"{Path.GetRelativePath(repo.Root, root)} is not built; run ./hit build.");
                }

                if (options.UseFunc)
                {
                    var func = await CoreTools.StartAsync(root, app.Name, settings, runDirectory, cancellationToken);
                    hosts.Add(func);
                    gateway.AddApp(app.Name, func.BaseAddress);
                    completions.Add(func.Completion);
                    continue;
                }

                var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
                {
                    AppRoot = root,
                    AppName = app.Name,
                    Settings = settings,
                    Logger = loggers.CreateLogger(app.Name),
                });
                hosts.Add(host);
                await host.StartAsync(cancellationToken);
                gateway.AddApp(host);
                completions.Add(host.Completion);
            }

            await gateway.StartAsync(cancellationToken);
            foreach (var app in apps)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{app.Name}[/]  {new Uri(gateway.BaseAddress, app.Name + "/")}");
            }

            AnsiConsole.MarkupLineInterpolated($"e.g. curl -X POST {new Uri(gateway.BaseAddress, "pingpong/counter/abc/increment")}");
            Console.WriteLine($"ready: {apps.Count} app(s) behind {gateway.BaseAddress} — Ctrl+C to stop");

            // Run until asked to stop, or until a host gives up (its handler crashed too often).
            var stopped = await Task.WhenAny([Task.Delay(Timeout.Infinite, cancellationToken), .. completions]);
            if (!cancellationToken.IsCancellationRequested)
            {
                await stopped;
                AnsiConsole.MarkupLine("[red]An app host stopped; shutting down.[/]");
                return 1;
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            AnsiConsole.MarkupLine("stopping…");
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.DisposeAsync();
            }
        }
    }
}
