using Hit.Cli.Repo;
using System.Text.RegularExpressions;

namespace Infra.Tests.Consistency;

/// <summary>
/// Compares the apps' hit-module.yaml manifests with the Bicep (read as text: no compiler exists here).
/// The Bicep derives every per-app resource and role from the `apps` list in main.bicep, so the checks
/// are (1) the list mirrors the manifests, (2) the shared resources the manifests name are declared, and
/// (3) the templates still derive each instance and role from that list.
/// </summary>
public static partial class ConsistencyChecker
{
    private static readonly RoleRule[] RoleRules =
    [
        new("Storage Blob Data Owner (host storage, deployment package)", "storage.bicep",
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", _ => true,
            ["for grant in grants:", "roles.blobDataOwner)"], ["grants: [ for (app, i) in apps:"]),
        new("Monitoring Metrics Publisher (App Insights without local auth)", "monitoring.bicep",
            "3913510d-42f4-4e42-8a64-420c390055eb", _ => true,
            ["for principalId in publisherPrincipalIds:"], ["publisherPrincipalIds: [for (app, i) in apps:"]),
        new("Storage Queue Data Contributor (runtime-created poison and blob-trigger queues)", "storage.bicep",
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            m => m.Storage.Queues.Trigger.Count > 0 || m.Storage.Blobs.Trigger.Count > 0,
            ["filter(grants, g => g.hostQueues)", "roles.queueDataContributor)"],
            ["hostQueues: !empty(app.storage.queues.trigger) || !empty(app.storage.blobs.trigger)"]),
        new("Storage Queue Data Message Processor (queue trigger)", "storage.bicep",
            "8a0f0c08-91a1-4084-bc3d-661d67233fed", m => m.Storage.Queues.Trigger.Count > 0,
            ["map(g.queueTrigger,", "for grant in queueTriggerGrants:", "roles.queueDataMessageProcessor)"],
            ["queueTrigger: app.storage.queues.trigger"]),
        new("Storage Queue Data Message Sender (queue output)", "storage.bicep",
            "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", m => m.Storage.Queues.Send.Count > 0,
            ["map(g.queueSend,", "for grant in queueSendGrants:", "roles.queueDataMessageSender)"],
            ["queueSend: app.storage.queues.send"]),
        new("Storage Blob Data Reader (blob trigger)", "storage.bicep",
            "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", m => m.Storage.Blobs.Trigger.Count > 0,
            ["map(g.blobTrigger,", "for grant in blobTriggerGrants:", "roles.blobDataReader)"],
            ["blobTrigger: map(app.storage.blobs.trigger, t => t.container)"]),
        new("Storage Blob Data Contributor (blob read/write)", "storage.bicep",
            "ba92f5b4-2d11-453d-a403-e96b0029c9fe", m => m.Storage.Blobs.ReadWrite.Count > 0,
            ["map(g.blobReadWrite,", "for grant in blobReadWriteGrants:", "roles.blobDataContributor)"],
            ["blobReadWrite: app.storage.blobs.readWrite"]),
        new("Cosmos DB Built-in Data Contributor (own containers)", "cosmos.bicep",
            "00000000-0000-0000-0000-000000000002", m => m.Cosmos.Containers.Count > 0,
            ["map(g.containers,", "for grant in containerGrants:", "/colls/${grant.container}"],
            ["containers: map(app.cosmos.containers, c => c.name)"]),
        new("Web PubSub Service Owner (hub bindings)", "webpubsub.bicep",
            "12cf5a90-567b-43ae-8102-96cf46c7d9b4", m => m.WebPubSub.Hubs.Count > 0,
            ["filter(ownerPrincipalIds, p => !empty(p))", "serviceOwner)"],
            ["empty(app.webpubsub.hubs) ? '' : identities[i].outputs.principalId"]),
        new("Key Vault Secrets User (secret settings)", "keyvault.bicep",
            "4633458b-17de-408a-b874-0445c86b69e6", m => m.Settings.Any(s => s.Secret is not null),
            ["for principalId in filter(readerPrincipalIds, p => !empty(p)): { name: guid(vault.id, principalId, secretsUser) scope: vault", "roleDefinitions', secretsUser)"],
            ["readerPrincipalIds: [for (app, i) in apps: empty(filter(app.settings, s => s.?secret != null)) ? '' : identities[i].outputs.principalId]"]),
    ];

    /// <summary>What the vault must be for secrets to be safe there (RBAC only, recoverable).</summary>
    private static readonly string[] KeyVaultSnippets =
    [
        "'Microsoft.KeyVault/vaults@",
        "enableRbacAuthorization: true",
        "accessPolicies: []",
        "enableSoftDelete: true",
        "enablePurgeProtection: true",
    ];

    public static IReadOnlyList<Problem> Check(InfraSources infra, IReadOnlyList<ModuleManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(infra);
        ArgumentNullException.ThrowIfNull(manifests);
        var problems = new List<Problem>();

        List<Dictionary<string, object?>> entries;
        HashSet<string> queues, containers, hubs;
        try
        {
            entries = [.. AsList(BicepLiteral.ParseVariable(infra.Main, "apps")).Select(AsObject)];
            queues = StringSet(BicepLiteral.ParseVariable(infra.Main, "storageQueues"));
            containers = StringSet(BicepLiteral.ParseVariable(infra.Main, "blobContainers"));
            hubs = StringSet(BicepLiteral.ParseVariable(infra.Main, "webPubSubHubs"));
        }
        catch (FormatException ex)
        {
            problems.Add(new(ProblemCodes.AppListUnreadable, "*", ex.Message));
            return problems;
        }

        var apps = manifests.Where(m => m.Name.Length > 0).ToList();
        foreach (var missing in manifests.Where(m => m.Name.Length == 0))
        {
            problems.Add(new(ProblemCodes.ManifestMissing, missing.Folder, $"functions/{missing.Folder} has no hit-module.yaml (or no name)."));
        }

        var byName = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = Str(entry, "name");
            if (!byName.TryAdd(name, entry))
            {
                problems.Add(new(ProblemCodes.DuplicateApp, name, "The apps list has two entries with this name."));
            }

            if (!apps.Any(a => a.Name == name))
            {
                problems.Add(new(ProblemCodes.StaleApp, name, "The apps list has an entry with no functions/<App>/hit-module.yaml of that name."));
            }
        }

        var main = Normalize(infra.Main);
        var functionApp = Normalize(infra.Module("functionApp.bicep"));
        var templates = new Templates(
            FunctionAppLoop: FunctionAppLoopRegex().IsMatch(main),
            GatewayFromList: Normalize(ModuleBlock(infra.Main, "gateway.bicep")).Contains("backends: [ for (app, i) in apps:", StringComparison.Ordinal)
                && ContainsAll(Normalize(infra.Module("gateway.bicep")),
                    "'Microsoft.ApiManagement/service/apis@", "for app in backends:", "path: app.name"),
            CosmosFromList: main.Contains("containers: flatten(map(apps, app => app.cosmos.containers))", StringComparison.Ordinal),
            SettingsApplied: ContainsAll(functionApp, "toObject(app.settings,", "manifestSettings, extraSettings)"),
            SecretsApplied: ContainsAll(functionApp,
                    "'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${s.secret!})'",
                    "keyVaultReferenceIdentity: identityId")
                && ContainsAll(Normalize(ModuleBlock(infra.Main, "functionApp.bicep")), "keyVaultName: keyVault.outputs.name"),
            KeyVault: main.Contains("'modules/keyvault.bicep'", StringComparison.Ordinal)
                && ContainsAll(Normalize(infra.Module("keyvault.bicep")), KeyVaultSnippets),
            DeployContainerPerApp: functionApp.Contains("value: '${storageBlobEndpoint}${app.deploymentContainer}'", StringComparison.Ordinal)
                && main.Contains("map(apps, app => app.deploymentContainer)", StringComparison.Ordinal),
            SettingSources: SettingSourceKeys(infra));

        foreach (var app in apps)
        {
            if (!byName.TryGetValue(app.Name, out var entry))
            {
                problems.Add(new(ProblemCodes.MissingApp, app.Name, $"functions/{app.Folder} has no entry in the apps list of main.bicep, so no function app, identity, roles or gateway API."));
                continue;
            }

            CheckApp(app, entry, templates, infra, queues, containers, hubs, problems);
        }

        CheckDeploymentContainers(entries, containers, templates, problems);
        return problems;
    }

    private static void CheckApp(
        ModuleManifest app,
        Dictionary<string, object?> entry,
        Templates templates,
        InfraSources infra,
        HashSet<string> queues,
        HashSet<string> containers,
        HashSet<string> hubs,
        List<Problem> problems)
    {
        void Report(string code, string message) => problems.Add(new(code, app.Name, message));

        if (Str(entry, "folder") != app.Folder)
        {
            Report(ProblemCodes.FolderMismatch, $"Entry folder '{Str(entry, "folder")}' is not functions/{app.Folder}.");
        }

        if (!templates.FunctionAppLoop)
        {
            Report(ProblemCodes.NoFunctionApp, "main.bicep does not instantiate modules/functionApp.bicep for every entry of the apps list.");
        }

        if (!templates.GatewayFromList)
        {
            Report(ProblemCodes.NoGatewayApi, $"The gateway does not create an API at /{app.Name} for every entry of the apps list.");
        }

        // Shared resources: declared once in main.bicep, referenced by the app.
        foreach (var queue in app.Storage.Queues.Trigger.Concat(app.Storage.Queues.Send).Where(q => !queues.Contains(q)))
        {
            Report(ProblemCodes.UndeclaredQueue, $"Queue '{queue}' is not in storageQueues.");
        }

        foreach (var container in app.Storage.Blobs.Trigger.Concat(app.Storage.Blobs.ReadWrite).Where(c => !containers.Contains(c)))
        {
            Report(ProblemCodes.UndeclaredBlobContainer, $"Blob container '{container}' is not in blobContainers.");
        }

        foreach (var hub in app.WebPubSub.Hubs.Where(h => !hubs.Contains(h)))
        {
            Report(ProblemCodes.UndeclaredHub, $"Web PubSub hub '{hub}' is not in webPubSubHubs.");
        }

        // Cosmos containers are declared from the entries themselves.
        var entryContainers = List(entry, "cosmos.containers").Select(AsObject).ToList();
        foreach (var container in app.Cosmos.Containers)
        {
            var declared = entryContainers.FirstOrDefault(c => Str(c, "name") == container.Name);
            if (declared is null || !templates.CosmosFromList)
            {
                Report(ProblemCodes.UndeclaredCosmosContainer, $"Cosmos container '{container.Name}' is not declared (entry cosmos.containers, fed to modules/cosmos.bicep).");
            }
            else if (declared.GetValueOrDefault("ttl") is not bool ttl || ttl != container.Ttl)
            {
                Report(ProblemCodes.CosmosTtlMismatch, $"Cosmos container '{container.Name}' has ttl {container.Ttl} in the manifest but not in the entry.");
            }
        }

        // The entry's lists are what the roles are derived from: anything missing there has no role.
        ReportMissing(app.Storage.Queues.Trigger, Strings(entry, "storage.queues.trigger"), "queue trigger", "storage.queues.trigger", "Queue Data Message Processor");
        ReportMissing(app.Storage.Queues.Send, Strings(entry, "storage.queues.send"), "queue output", "storage.queues.send", "Queue Data Message Sender");
        ReportMissing(app.Storage.Blobs.ReadWrite, Strings(entry, "storage.blobs.readWrite"), "blob container", "storage.blobs.readWrite", "Blob Data Contributor");
        ReportMissing(app.WebPubSub.Hubs, Strings(entry, "webpubsub.hubs"), "Web PubSub hub", "webpubsub.hubs", "Web PubSub Service Owner");
        ReportMissing(app.Cosmos.Containers.Select(c => c.Name), entryContainers.Select(c => Str(c, "name")), "Cosmos container", "cosmos.containers", "Cosmos Built-in Data Contributor");

        var blobTriggers = List(entry, "storage.blobs.trigger").Select(AsObject).ToList();
        ReportMissing(app.Storage.Blobs.Trigger, blobTriggers.Select(t => Str(t, "container")), "blob trigger", "storage.blobs.trigger", "Blob Data Reader");
        foreach (var trigger in blobTriggers.Where(t => Str(t, "function").Length == 0))
        {
            Report(ProblemCodes.MissingEventGridWiring, $"Blob trigger on '{Str(trigger, "container")}' names no function, so no Event Grid subscription can reach it (Flex runs blob triggers only from Event Grid).");
        }

        foreach (var rule in RoleRules.Where(r => r.AppliesTo(app)))
        {
            var module = Normalize(infra.Module(rule.Module));
            var main = Normalize(infra.Main);
            if (!module.Contains(rule.RoleId, StringComparison.Ordinal)
                || !ContainsAll(module, rule.ModuleSnippets)
                || !ContainsAll(main, rule.MainSnippets))
            {
                Report(ProblemCodes.MissingRole, $"The app needs {rule.Role} but modules/{rule.Module} (fed from the apps list in main.bicep) no longer grants it per app.");
            }
        }

        if (app.Settings.Any(s => s.Secret is not null) && !templates.KeyVault)
        {
            Report(ProblemCodes.MissingKeyVault, "The app declares secrets but main.bicep does not deploy modules/keyvault.bicep as an RBAC-only vault with soft delete and purge protection.");
        }

        var entrySettings = List(entry, "settings").Select(AsObject).ToList();
        foreach (var declared in entrySettings.Where(s => SourceCount(s) != 1))
        {
            Report(ProblemCodes.InvalidSetting, $"Entry setting '{Str(declared, "name")}' must have exactly one of value, from or secret (the Bicep would silently pick one).");
        }

        foreach (var setting in app.Settings)
        {
            var sources = new[] { setting.Value, setting.From, setting.Secret }.Count(v => v is not null);
            if (sources != 1)
            {
                Report(ProblemCodes.InvalidSetting, $"Setting '{setting.Name}' must have exactly one of value, from or secret in the manifest (it has {sources}).");
                continue;
            }

            var declared = entrySettings.FirstOrDefault(s => Str(s, "name") == setting.Name);
            if (declared is null || !templates.SettingsApplied)
            {
                Report(ProblemCodes.MissingSetting, $"Setting '{setting.Name}' is not set for the app.");
                continue;
            }

            if (setting.Value is not null && Str(declared, "value") != setting.Value)
            {
                Report(ProblemCodes.MissingSetting, $"Setting '{setting.Name}' must be '{setting.Value}' but the entry says '{Str(declared, "value")}'.");
            }

            if (setting.From is not null && Str(declared, "from") != setting.From)
            {
                Report(ProblemCodes.MissingSetting, $"Setting '{setting.Name}' must come from '{setting.From}' but the entry says '{Str(declared, "from")}'.");
            }

            if (setting.From is not null && !templates.SettingSources.Contains(setting.From))
            {
                Report(ProblemCodes.UnknownSettingSource, $"Setting '{setting.Name}' comes from '{setting.From}', which the Bicep does not provide (settingSources in main.bicep).");
            }

            if (setting.Secret is not null && Str(declared, "secret") != setting.Secret)
            {
                Report(ProblemCodes.MissingSetting, $"Setting '{setting.Name}' must be Key Vault secret '{setting.Secret}' but the entry says '{Str(declared, "secret")}'.");
            }

            if (setting.Secret is not null && !templates.SecretsApplied)
            {
                Report(ProblemCodes.MissingSetting, $"Setting '{setting.Name}' is a Key Vault secret but modules/functionApp.bicep does not turn `secret:` into a Key Vault reference resolved with the app identity (keyVaultReferenceIdentity, keyVaultName from the vault module).");
            }
        }

        void ReportMissing(IEnumerable<string> wanted, IEnumerable<string> present, string what, string field, string role)
        {
            var have = present.ToHashSet(StringComparer.Ordinal);
            foreach (var name in wanted.Where(w => !have.Contains(w)))
            {
                Report(ProblemCodes.MissingRole, $"The app uses {what} '{name}' but its entry lacks it under {field}, so it gets no {role} role on it.");
            }
        }
    }

    private static void CheckDeploymentContainers(List<Dictionary<string, object?>> entries, HashSet<string> dataContainers, Templates templates, List<Problem> problems)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var app = Str(entry, "name");
            var container = Str(entry, "deploymentContainer");
            if (container.Length == 0 || !templates.DeployContainerPerApp)
            {
                problems.Add(new(ProblemCodes.SharedDeploymentContainer, app, "The app is not deployed from its own container (entry deploymentContainer, used by modules/functionApp.bicep and declared in storage)."));
            }
            else if (dataContainers.Contains(container))
            {
                problems.Add(new(ProblemCodes.SharedDeploymentContainer, app, $"Deployment container '{container}' is also a data container."));
            }
            else if (!owners.TryAdd(container, app))
            {
                problems.Add(new(ProblemCodes.SharedDeploymentContainer, app, $"Deployment container '{container}' is shared with '{owners[container]}'."));
            }
        }
    }

    private static int SourceCount(Dictionary<string, object?> setting) =>
        new[] { "value", "from", "secret" }.Count(key => setting.GetValueOrDefault(key) is not null);

    private static HashSet<string> SettingSourceKeys(InfraSources infra)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        // The object's body up to its closing brace; string interpolations ('${gatewayUrl}/files/') hold braces too.
        const string Body = @"(?<body>(?:[^{}]|\$\{[^}]*\})*)";
        var block = Regex.Match(ModuleBlock(infra.Main, "functionApp.bicep"), @"settingSources:\s*\{" + Body + @"\}");
        var extra = Regex.Match(infra.Module("functionApp.bicep"), @"union\(settingSources,\s*\{" + Body + @"\}");
        foreach (var body in new[] { block, extra }.Where(m => m.Success).Select(m => m.Groups["body"].Value))
        {
            foreach (Match key in Regex.Matches(body, @"^\s*'(?<key>[^']+)'\s*:", RegexOptions.Multiline))
            {
                keys.Add(key.Groups["key"].Value);
            }
        }

        return keys;
    }

    /// <summary>The text of `module x 'modules/&lt;file&gt;' = …` up to the next top-level declaration.</summary>
    private static string ModuleBlock(string main, string file)
    {
        var start = main.IndexOf($"'modules/{file}'", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var next = TopLevelRegex().Match(main, start);
        return next.Success ? main[start..next.Index] : main[start..];
    }

    private static string Normalize(string text)
    {
        var noComments = Regex.Replace(text, @"//[^\n]*", "");
        var collapsed = Regex.Replace(noComments, @"\s+", " ");
        // `[ for` and `[for` are the same Bicep.
        return collapsed.Replace("[for ", "[ for ", StringComparison.Ordinal);
    }

    private static bool ContainsAll(string text, params string[] snippets) =>
        snippets.All(s => text.Contains(Normalize(s), StringComparison.Ordinal));

    private static object? Get(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node is Dictionary<string, object?> obj ? obj.GetValueOrDefault(part) : null;
        }

        return node;
    }

    private static string Str(object? node, string path) => Get(node, path) as string ?? "";

    private static List<object?> List(object? node, string path) => Get(node, path) as List<object?> ?? [];

    private static IEnumerable<string> Strings(object? node, string path) => List(node, path).OfType<string>();

    private static List<object?> AsList(object? value) =>
        value as List<object?> ?? throw new FormatException("Expected an array.");

    private static Dictionary<string, object?> AsObject(object? value) =>
        value as Dictionary<string, object?> ?? throw new FormatException("Expected an object in the list.");

    private static HashSet<string> StringSet(object? value) => AsList(value).OfType<string>().ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"module \w+ 'modules/functionApp\.bicep' = \[ for [^:]*?\bin apps:")]
    private static partial Regex FunctionAppLoopRegex();

    [GeneratedRegex(@"^(module|resource|output|var|param) ", RegexOptions.Multiline)]
    private static partial Regex TopLevelRegex();

    private sealed record Templates(
        bool FunctionAppLoop,
        bool GatewayFromList,
        bool CosmosFromList,
        bool SettingsApplied,
        bool SecretsApplied,
        bool KeyVault,
        bool DeployContainerPerApp,
        HashSet<string> SettingSources);

    private sealed record RoleRule(
        string Role,
        string Module,
        string RoleId,
        Func<ModuleManifest, bool> AppliesTo,
        string[] ModuleSnippets,
        string[] MainSnippets);
}
