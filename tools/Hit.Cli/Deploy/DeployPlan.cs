using System.Text.Json;

namespace Hit.Cli.Deploy;

/// <summary>An app to deploy: its name (the site's azd-service-name) and folder under artifacts/apps/.</summary>
internal sealed record DeployApp(string Name, string Folder);

/// <param name="DeployerPrincipalId">Object id of whoever deploys: gets data roles so it can upload packages (shared keys are off).</param>
internal sealed record DeployOptions(string Environment, string Location, string DeployerPrincipalId, IReadOnlyList<DeployApp> Apps, bool WhatIf)
{
    /// <summary>Subscription-scope deployment name; stable per environment so outputs can be read back.</summary>
    public string DeploymentName => Environment;
}

internal enum StepKind
{
    /// <summary>`hit build` in-process: writes artifacts/apps/&lt;App&gt;.</summary>
    Build,

    /// <summary>An external command.</summary>
    Run,

    /// <summary>Zip an app root (Unix modes kept) in-process.</summary>
    Zip,
}

/// <summary>One step of `hit deploy`; <see cref="Display"/> is what `--dry-run` prints.</summary>
internal sealed record DeployStep(StepKind Kind, string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    public string Display
    {
        get
        {
            switch (Kind)
            {
                case StepKind.Build:
                    return "hit build   # in-process: writes artifacts/apps/<App>";
                case StepKind.Zip:
                    return $"zip {Arguments[0]} -> {Arguments[1]}   # in-process, Unix file modes kept";
            }

            var env = string.Concat(Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Quote(e.Value)} "));
            return env + string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));
        }
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,{}".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>A deployed app as main.bicep reports it (output HIT_APPS).</summary>
internal sealed record DeployedApp(string Name, string Folder, string SiteName, string DeploymentContainer);

/// <summary>The main.bicep outputs the release steps need.</summary>
internal sealed record DeploymentOutputs(string ResourceGroup, string StorageAccount, string AppsJson, IReadOnlyList<DeployedApp> Apps)
{
    /// <summary>Stand-ins printed by `--dry-run`, where nothing has been deployed to read names from.</summary>
    public static DeploymentOutputs Placeholders(IReadOnlyList<DeployApp> apps) => new(
        "<AZURE_RESOURCE_GROUP>",
        "<HIT_STORAGE_ACCOUNT>",
        "<HIT_APPS>",
        [.. apps.Select(a => new DeployedApp(a.Name, a.Folder, $"<site of {a.Name}>", $"deploy-{a.Name}"))]);

    /// <summary>
    /// Parses `az deployment sub show --query properties.outputs`. Output names are matched ignoring case:
    /// ARM returns them with the first letter lower-cased (azurE_RESOURCE_GROUP).
    /// </summary>
    public static DeploymentOutputs Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        JsonElement Output(string name) =>
            doc.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.Object } o
                ? o.GetProperty("value")
                : throw new FormatException($"The deployment has no output {name}.");

        var apps = Output("HIT_APPS");
        return new DeploymentOutputs(
            Output("AZURE_RESOURCE_GROUP").GetString() ?? "",
            Output("HIT_STORAGE_ACCOUNT").GetString() ?? "",
            apps.GetRawText(),
            [.. apps.EnumerateArray().Select(a => new DeployedApp(
                a.GetProperty("name").GetString() ?? "",
                a.GetProperty("folder").GetString() ?? "",
                a.GetProperty("siteName").GetString() ?? "",
                a.GetProperty("deploymentContainer").GetString() ?? ""))]);
    }
}

/// <summary>
/// The commands `hit deploy` runs, as data: a pure function of the options (and, after provisioning, of
/// the deployment outputs), so `--dry-run` prints exactly what a real run executes and tests can check it.
/// </summary>
internal static class DeployPlan
{
    /// <summary>Blob name the Flex platform loads the package from in the deployment container.</summary>
    public const string PackageBlobName = "released-package.zip";

    private const string Template = "infra/bicep/main.bicep";
    private const string Parameters = "infra/bicep/main.bicepparam";

    /// <summary>Build, then `az deployment sub create` (or only `what-if`), then read the outputs.</summary>
    public static IReadOnlyList<DeployStep> Provision(DeployOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var env = ParameterEnvironment(options, wiredApps: "");
        if (options.WhatIf)
        {
            return [Az(env, "deployment", "sub", "what-if", "--name", options.DeploymentName, "--location", options.Location,
                "--template-file", Template, "--parameters", Parameters)];
        }

        return
        [
            new DeployStep(StepKind.Build, "hit", ["build"], Empty),
            Az(env, "deployment", "sub", "create", "--name", options.DeploymentName, "--location", options.Location,
                "--template-file", Template, "--parameters", Parameters, "--output", "none"),
            Az(Empty, "deployment", "sub", "show", "--name", options.DeploymentName, "--query", "properties.outputs", "--output", "json"),
        ];
    }

    /// <summary>Per app: zip, upload to its own deployment container, sync triggers; then the second stage.</summary>
    public static IReadOnlyList<DeployStep> Release(DeployOptions options, DeploymentOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outputs);
        if (options.WhatIf)
        {
            return [];
        }

        var steps = new List<DeployStep>();
        foreach (var app in options.Apps)
        {
            var deployed = outputs.Apps.FirstOrDefault(a => a.Name == app.Name)
                ?? throw new InvalidOperationException($"main.bicep does not deploy '{app.Name}' (add it to the apps list).");
            var zip = PackagePath(app);
            steps.Add(new DeployStep(StepKind.Zip, "zip", [Path.Combine("artifacts", "apps", app.Folder), zip], Empty));
            steps.Add(Az(Empty, "storage", "blob", "upload", "--auth-mode", "login", "--account-name", outputs.StorageAccount,
                "--container-name", deployed.DeploymentContainer, "--name", PackageBlobName, "--file", zip, "--overwrite", "--output", "none"));
            // {subscriptionId} is filled in by `az rest` from the signed-in subscription.
            steps.Add(Az(Empty, "rest", "--method", "post", "--url",
                $"https://management.azure.com/subscriptions/{{subscriptionId}}/resourceGroups/{outputs.ResourceGroup}/providers/Microsoft.Web/sites/{deployed.SiteName}/syncfunctiontriggers?api-version=2024-04-01"));
        }

        var secondStage = new Dictionary<string, string>(ParameterEnvironment(options, string.Join(',', options.Apps.Select(a => a.Name))), StringComparer.Ordinal)
        {
            ["AZURE_RESOURCE_GROUP"] = outputs.ResourceGroup,
            ["HIT_APPS"] = outputs.AppsJson,
        };
        steps.Add(new DeployStep(StepKind.Run, "sh", ["infra/scripts/postdeploy.sh"], secondStage));
        return steps;
    }

    /// <summary>What `--dry-run` prints: every step, with placeholders for names only Azure knows.</summary>
    public static IReadOnlyList<DeployStep> DryRun(DeployOptions options) =>
        [.. Provision(options), .. Release(options, DeploymentOutputs.Placeholders(options.Apps))];

    public static string PackagePath(DeployApp app) => Path.Combine(".hit", "deploy", $"{app.Name}.zip");

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    // main.bicepparam reads these with readEnvironmentVariable, as it does under azd.
    private static Dictionary<string, string> ParameterEnvironment(DeployOptions options, string wiredApps) => new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = options.Environment,
        ["AZURE_LOCATION"] = options.Location,
        ["HIT_WIRED_APPS"] = wiredApps,
        ["HIT_DEVELOPER_PRINCIPAL_ID"] = options.DeployerPrincipalId,
    };

    private static DeployStep Az(IReadOnlyDictionary<string, string> env, params string[] arguments) => new(StepKind.Run, "az", arguments, env);
}
