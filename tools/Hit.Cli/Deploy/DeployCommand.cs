using System.CommandLine;
using System.Text;
using Hit.Cli.Building;
using Hit.Cli.Processes;
using Hit.Cli.Repo;

namespace Hit.Cli.Deploy;

/// <summary>
/// <c>hit deploy --env &lt;name&gt; [--location] [--principal-id] [--what-if] [--dry-run]</c>: provisions
/// infra/bicep/main.bicep at subscription scope, zips each artifacts/apps/&lt;App&gt; into the app's own deployment
/// container, syncs its triggers, then runs the second stage (infra/scripts/postdeploy.sh). The same steps as
/// <c>azd up</c>, for machines without azd; the step list comes from <see cref="DeployPlan"/>.
/// </summary>
public static class DeployCommand
{
    public static Command Create()
    {
        var environment = new Option<string>("--env")
        {
            Description = "Environment name (resource group rg-<env>; the same as an azd environment name).",
            Required = true,
        };
        var location = new Option<string>("--location")
        {
            Description = "Azure region (must offer Flex Consumption).",
            DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable("AZURE_LOCATION") is { Length: > 0 } l ? l : "eastus2",
        };
        var principal = new Option<string?>("--principal-id")
        {
            Description = "Your Entra object id, granted data roles so the packages can be uploaded (default: HIT_DEVELOPER_PRINCIPAL_ID, else the signed-in az user).",
        };
        var whatIf = new Option<bool>("--what-if") { Description = "Only show what the Bicep deployment would change (az deployment sub what-if)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print every command without calling Azure." };

        var command = new Command("deploy", "Provision the Azure resources and deploy every app (Flex Consumption).")
        {
            environment,
            location,
            principal,
            whatIf,
            dryRun,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(environment)!,
            parse.GetValue(location)!,
            parse.GetValue(principal),
            parse.GetValue(whatIf),
            parse.GetValue(dryRun),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string environment, string location, string? principalId, bool whatIf, bool dryRun, CancellationToken cancellationToken)
    {
        var repo = Repository.Locate();
        var manifests = ModuleManifest.LoadAll(repo);
        var apps = manifests.Select(m => new DeployApp(m.Name, m.Folder)).ToList();

        if (dryRun)
        {
            var planned = new DeployOptions(environment, location, principalId ?? "<your object id>", apps, whatIf);
            foreach (var step in DeployPlan.DryRun(planned))
            {
                Console.WriteLine(step.Display);
            }

            return 0;
        }

        principalId ??= System.Environment.GetEnvironmentVariable("HIT_DEVELOPER_PRINCIPAL_ID") is { Length: > 0 } fromEnv
            ? fromEnv
            : (await ProcessRunner.CaptureAsync("az", ["ad", "signed-in-user", "show", "--query", "id", "--output", "tsv"], repo.Root, cancellationToken)).Trim();
        var options = new DeployOptions(environment, location, principalId, apps, whatIf);

        var outputs = "";
        foreach (var step in DeployPlan.Provision(options))
        {
            outputs = await ExecuteAsync(repo, manifests, step, cancellationToken);
        }

        if (whatIf)
        {
            return 0;
        }

        foreach (var step in DeployPlan.Release(options, DeploymentOutputs.Parse(outputs)))
        {
            await ExecuteAsync(repo, manifests, step, cancellationToken);
        }

        return 0;
    }

    /// <summary>Runs one step and returns its standard output (the last provisioning step's is the outputs JSON).</summary>
    private static async Task<string> ExecuteAsync(Repository repo, IReadOnlyList<ModuleManifest> manifests, DeployStep step, CancellationToken cancellationToken)
    {
        Console.WriteLine($"> {step.Display}");
        switch (step.Kind)
        {
            case StepKind.Build:
                await AppBuilder.BuildAsync(repo, manifests, "Release", cancellationToken);
                return "";
            case StepKind.Zip:
                PackageZipper.Create(Path.Combine(repo.Root, step.Arguments[0]), Path.Combine(repo.Root, step.Arguments[1]));
                return "";
            default:
                var output = new StringBuilder();
                var quiet = step.Arguments.Contains("show");
                var environment = step.Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
                var code = await ProcessRunner.RunAsync(step.Program, step.Arguments, repo.Root, environment, line =>
                {
                    output.AppendLine(line);
                    if (!quiet)
                    {
                        Console.WriteLine(line);
                    }
                }, cancellationToken);
                return code == 0 ? output.ToString() : throw new CliException($"'{step.Program} {string.Join(' ', step.Arguments.Take(3))}…' failed ({code}).");
        }
    }
}
