using Hit.Cli.Building;
using Hit.Cli.Processes;
using Hit.Cli.Repo;
using Hit.Cli.Stack;
using Spectre.Console;

namespace Hit.Cli.Testing;

/// <summary>
/// <c>hit test</c>: installs what is missing, builds every app root, starts a private local stack on free ports,
/// runs every test project in the solution against it, and ends with the one summary line CI reads
/// (<c>N passed, N failed[, N skipped]</c>), counted from the TRX results of every test that ran.
/// </summary>
internal static class TestCommand
{
    public static async Task<int> RunAsync(Repository repo, string? filter, CancellationToken cancellationToken)
    {
        await NpmPackages.EnsureAsync(repo, cancellationToken);
        await SystemPackages.EnsureAsync(repo.Root, cancellationToken);

        var apps = ModuleManifest.LoadAll(repo);
        await AppBuilder.BuildAsync(repo, apps, "Release", cancellationToken);

        var runDirectory = Path.Combine(repo.StateDir, "test", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        var results = Path.Combine(runDirectory, "results");
        await using var stack = await AnsiConsole.Status().StartAsync("Starting the local stack…",
            _ => LocalStack.StartAsync(repo, StackPorts.Free(), runDirectory, cancellationToken));
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] local stack on blob {stack.Ports.Blob}, queue {stack.Ports.Queue}, cosmos {stack.Ports.Cosmos}, smtp {stack.Ports.Smtp}");

        var environment = new Dictionary<string, string?>(stack.Ports.TestEnvironment())
        {
            ["HIT_APPS_DIR"] = repo.AppsOutput,
            ["HIT_ROOT"] = repo.Root,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };

        var build = await ProcessRunner.RunAsync("dotnet", ["build", Repository.SolutionFile, "-c", "Release", "--nologo", "-v", "q"], repo.Root, environment,
            cancellationToken: cancellationToken);
        if (build != 0)
        {
            Console.WriteLine("0 passed, 1 failed");
            AnsiConsole.MarkupLine("[red]The solution does not build.[/]");
            return 1;
        }

        string[] arguments =
        [
            "test", Repository.SolutionFile, "-c", "Release", "--no-build", "--nologo",
            "--logger", "trx", "--results-directory", results, "--logger", "console;verbosity=minimal",
            .. filter is null ? Array.Empty<string>() : ["--filter", filter],
        ];
        var code = await ProcessRunner.RunAsync("dotnet", arguments, repo.Root, environment, cancellationToken: cancellationToken);

        var summary = TrxSummary.Read(results);
        // A crashed test host writes no TRX: count it, so "0 failed" can never hide a run that did not happen.
        var failed = code != 0 && summary.Failed == 0 ? summary with { Failed = 1 } : summary;
        await stack.DisposeAsync();
        if (failed.Failed == 0)
        {
            Directory.Delete(runDirectory, recursive: true);
        }

        Console.WriteLine(failed.ToString());
        return failed.Failed == 0 && failed.Passed > 0 ? 0 : 1;
    }
}
