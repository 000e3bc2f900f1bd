using System.CommandLine;
using Hit.Cli;
using Hit.Cli.Building;
using Hit.Cli.Deploy;
using Hit.Cli.Repo;
using Hit.Cli.Running;
using Hit.Cli.Stack;
using Hit.Cli.Testing;
using Spectre.Console;

// `hit`: build, run and test Hit Platform locally, deploy it to Azure. See README.md.
var root = new RootCommand("Hit Platform: build, run and test the function apps locally; deploy them to Azure.");
root.Subcommands.Add(Commands.Build());
root.Subcommands.Add(Commands.Run());
root.Subcommands.Add(Commands.Test());
root.Subcommands.Add(Commands.StackOnly());
root.Subcommands.Add(Commands.Thumbnail());
root.Subcommands.Add(DeployCommand.Create());

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (CliException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]hit:[/] {e.Message}");
    return 1;
}

internal static class Commands
{
    private static Argument<string[]> AppsArgument() => new("apps")
    {
        Description = "Apps to include, by name or folder (default: every app under functions/).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Build()
    {
        var apps = AppsArgument();
        var configuration = new Option<string>("--configuration", "-c") { Description = "Build configuration.", DefaultValueFactory = _ => "Release" };
        var command = new Command("build", "Build every app into a Functions app root under artifacts/apps/<App>/ (dotnet publish of the isolated worker: functions.metadata, worker.config.json, host.json).")
        {
            apps, configuration,
        };
        command.SetAction(async (parse, ct) =>
        {
            var repo = Repository.Locate();
            var selected = ModuleManifest.Select(ModuleManifest.LoadAll(repo), parse.GetValue(apps) ?? []);
            await AppBuilder.BuildAsync(repo, selected, parse.GetValue(configuration)!, ct);
            return 0;
        });
        return command;
    }

    public static Command Run()
    {
        var apps = AppsArgument();
        var port = new Option<int>("--port", "-p") { Description = "Gateway port (all apps under /<app-name>/).", DefaultValueFactory = _ => 7071 };
        var func = new Option<bool>("--func") { Description = "Run each app with Azure Functions Core Tools (func) instead of the bundled local host." };
        var noBuild = new Option<bool>("--no-build") { Description = "Use the app roots already in artifacts/apps." };
        var stack = StackPortOptions();
        var command = new Command("run", "Run the platform locally: the local stack, every app, and the gateway on 127.0.0.1:7071.") { apps, port, func, noBuild };
        foreach (var option in stack.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => Guard(() => RunCommand.RunAsync(Repository.Locate(),
            new RunCommand.Options(parse.GetValue(apps) ?? [], parse.GetValue(port), parse.GetValue(func), parse.GetValue(noBuild), stack.Read(parse)), ct)));
        return command;
    }

    public static Command Test()
    {
        var filter = new Option<string?>("--filter") { Description = "dotnet test filter expression (default: every test)." };
        var command = new Command("test", "Install what is missing, build, start a private local stack and run every test.") { filter };
        command.SetAction((parse, ct) => Guard(() => TestCommand.RunAsync(Repository.Locate(), parse.GetValue(filter), ct)));
        return command;
    }

    public static Command StackOnly()
    {
        var stack = StackPortOptions();
        var command = new Command("stack", "Start only the local stack (Azurite, Cosmos server, maildev) until Ctrl+C, e.g. for dotnet test from an IDE.");
        foreach (var option in stack.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => Guard(async () =>
        {
            var repo = Repository.Locate();
            await NpmPackages.EnsureAsync(repo, ct);
            var runDirectory = Path.Combine(repo.StateDir, "runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
            await using var running = await LocalStack.StartAsync(repo, stack.Read(parse), runDirectory, ct);
            foreach (var (key, value) in running.Ports.TestEnvironment())
            {
                Console.WriteLine($"export {key}='{value}'");
            }

            Console.WriteLine("ready — Ctrl+C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C / SIGTERM: dispose stops the stack.
            }

            return 0;
        }));
        return command;
    }

    public static Command Thumbnail()
    {
        // The thumbnail tool parses its own arguments (Hit.Thumbnail), so everything after the verb is passed through.
        var command = new Command("thumbnail", "Make thumbnails: hit thumbnail <inputs…> --size N (-o OUT | --out-dir DIR) [--mode fit|cover|exact] [--format jpeg|png|webp] [--quality Q]")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, ct) => Hit.Thumbnail.ThumbnailCommand.RunAsync([.. parse.UnmatchedTokens], Console.Out, Console.Error, ct));
        return command;
    }

    private static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]hit:[/] {e.Message}");
            return 1;
        }
    }

    private sealed record StackPortSet(Option<int> Blob, Option<int> Queue, Option<int> Table, Option<int> Cosmos, Option<int> Smtp, Option<int> MailWeb)
    {
        public IEnumerable<Option> All => [Blob, Queue, Table, Cosmos, Smtp, MailWeb];

        public StackPorts Read(ParseResult parse) =>
            new(parse.GetValue(Blob), parse.GetValue(Queue), parse.GetValue(Table), parse.GetValue(Cosmos), parse.GetValue(Smtp), parse.GetValue(MailWeb));
    }

    private static StackPortSet StackPortOptions()
    {
        var defaults = new StackPorts();
        Option<int> Port(string name, int value, string what) => new(name) { Description = $"{what} port.", DefaultValueFactory = _ => value };
        return new StackPortSet(
            Port("--blob-port", defaults.Blob, "Azurite blob"),
            Port("--queue-port", defaults.Queue, "Azurite queue"),
            Port("--table-port", defaults.Table, "Azurite table"),
            Port("--cosmos-port", defaults.Cosmos, "Cosmos server"),
            Port("--smtp-port", defaults.Smtp, "maildev SMTP"),
            Port("--mail-port", defaults.MailWeb, "maildev web/REST"));
    }
}
