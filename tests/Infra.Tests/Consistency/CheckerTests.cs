using Hit.Cli.Repo;

namespace Infra.Tests.Consistency;

/// <summary>
/// Each rule on deliberately broken copies of the real Bicep and manifests, so every check is shown to fail
/// when it should. Sample apps (gallery, payments, chat) cover the resource kinds PingPong does not use.
/// </summary>
public sealed class CheckerTests
{
    private static readonly InfraSources Real = InfraSources.Load(RepoRoot.Path);
    private static readonly IReadOnlyList<ModuleManifest> RealManifests = Manifests.LoadAll(RepoRoot.Path);

    private static readonly ModuleManifest Gallery = ModuleManifest.Parse(Samples.GalleryYaml, "Gallery");
    private static readonly ModuleManifest Payments = ModuleManifest.Parse(Samples.PaymentsYaml, "Payments");
    private static readonly ModuleManifest Chat = ModuleManifest.Parse(Samples.ChatYaml, "Chat");

    private static InfraSources WithSamples(InfraSources infra) =>
        infra.WithMain(m => Samples.WithEntries(m, Samples.GalleryEntry, Samples.PaymentsEntry, Samples.ChatEntry));

    private static List<ModuleManifest> AllManifests() => [.. RealManifests, Gallery, Payments, Chat];

    private static void AssertReports(IReadOnlyList<Problem> problems, string code, string app)
    {
        Assert.True(
            problems.Any(p => p.Code == code && p.App == app),
            $"Expected {code} for {app}; got:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Check_SampleAppsWithMatchingEntries_ReportsNothing()
    {
        var problems = ConsistencyChecker.Check(WithSamples(Real), AllManifests());

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Check_AppFolderWithoutEntry_ReportsMissingApp()
    {
        var problems = ConsistencyChecker.Check(Real, [.. RealManifests, Gallery]);

        AssertReports(problems, ProblemCodes.MissingApp, "gallery");
    }

    [Fact]
    public void Check_EntryWithoutAppFolder_ReportsStaleApp()
    {
        var problems = ConsistencyChecker.Check(WithSamples(Real), [.. RealManifests, Gallery, Chat]);

        AssertReports(problems, ProblemCodes.StaleApp, "payments");
    }

    [Fact]
    public void Check_AppFolderWithoutManifest_ReportsManifestMissing()
    {
        var problems = ConsistencyChecker.Check(Real, [.. RealManifests, new ModuleManifest { Folder = "Hugs" }]);

        AssertReports(problems, ProblemCodes.ManifestMissing, "Hugs");
    }

    [Fact]
    public void Check_EntryFolderDiffersFromManifestFolder_ReportsFolderMismatch()
    {
        var problems = ConsistencyChecker.Check(WithSamples(Real), [.. RealManifests, ModuleManifest.Parse(Samples.GalleryYaml, "GalleryApp"), Payments, Chat]);

        AssertReports(problems, ProblemCodes.FolderMismatch, "gallery");
    }

    [Fact]
    public void Check_FunctionAppModuleNotLoopedOverApps_ReportsNoFunctionApp()
    {
        var broken = Real.WithMain(m => m.Replace("for (app, i) in apps: {\n    name: 'app-${app.name}'", "for (app, i) in take(apps, 0): {\n    name: 'app-${app.name}'", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.NoFunctionApp, "pingpong");
    }

    [Fact]
    public void Check_GatewayApiPathNotTheAppName_ReportsNoGatewayApi()
    {
        var broken = Real.WithModule("gateway.bicep", g => g.Replace("path: app.name", "path: 'api'", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.NoGatewayApi, "pingpong");
    }

    [Fact]
    public void Check_GatewayNotFedFromAppList_ReportsNoGatewayApi()
    {
        var broken = Real.WithMain(m => m.Replace("backends: [\n      for (app, i) in apps:", "backends: [\n      for (app, i) in skip(apps, 1):", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.NoGatewayApi, "pingpong");
    }

    [Fact]
    public void Check_QueueNotDeclared_ReportsUndeclaredQueue()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("  'email'\n  'payments'\n", "  'payments'\n", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.UndeclaredQueue, "payments");
    }

    [Fact]
    public void Check_BlobContainerNotDeclared_ReportsUndeclaredBlobContainer()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("  'uploads'\n  'thumbnails'\n", "  'uploads'\n", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.UndeclaredBlobContainer, "gallery");
    }

    [Fact]
    public void Check_HubNotDeclared_ReportsUndeclaredHub()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("var webPubSubHubs = [\n  'chat'\n]", "var webPubSubHubs = []", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.UndeclaredHub, "chat");
    }

    [Fact]
    public void Check_CosmosContainerMissingFromEntry_ReportsUndeclaredCosmosContainer()
    {
        var pingpong = ModuleManifest.Parse(File.ReadAllText(RepoRoot.Combine("functions", "PingPong", "hit-module.yaml")), "PingPong");
        pingpong.Cosmos.Containers.Add(new ModuleManifest.CosmosContainer { Name = "pingpong-audit" });

        var problems = ConsistencyChecker.Check(Real, [pingpong]);

        AssertReports(problems, ProblemCodes.UndeclaredCosmosContainer, "pingpong");
    }

    [Fact]
    public void Check_CosmosContainersNotFedToCosmosModule_ReportsUndeclaredCosmosContainer()
    {
        var broken = Real.WithMain(m => m.Replace("containers: flatten(map(apps, app => app.cosmos.containers))", "containers: []", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.UndeclaredCosmosContainer, "pingpong");
    }

    [Fact]
    public void Check_CosmosTtlDiffers_ReportsCosmosTtlMismatch()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("{ name: 'chat', ttl: true }", "{ name: 'chat', ttl: false }", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.CosmosTtlMismatch, "chat");
    }

    [Fact]
    public void Check_SettingMissingFromEntry_ReportsMissingSetting()
    {
        var broken = Real.WithMain(m => m.Replace("      { name: 'Cosmos__DatabaseName', value: 'hit' }\n", "", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "pingpong");
    }

    [Fact]
    public void Check_SettingValueDiffers_ReportsMissingSetting()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("{ name: 'Payments__QueueName', value: 'payments' }", "{ name: 'Payments__QueueName', value: 'payment' }", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingSetting, "payments");
    }

    [Fact]
    public void Check_SettingsNotAppliedByFunctionAppModule_ReportsMissingSetting()
    {
        var broken = Real.WithModule("functionApp.bicep", f => f.Replace("manifestSettings, extraSettings)", "extraSettings)", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "pingpong");
    }

    [Fact]
    public void Check_SettingSourceNotProvided_ReportsUnknownSettingSource()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("        'auth.jwksUrl': '${gatewayUrl}/auth/.well-known/jwks.json'\n", "", StringComparison.Ordinal));
        Assert.NotEqual(WithSamples(Real).Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.UnknownSettingSource, "payments");
    }

    [Fact]
    public void Check_IdentitySourceRemovedFromFunctionAppModule_ReportsUnknownSettingSource()
    {
        var broken = WithSamples(Real).WithModule("functionApp.bicep", f => f.Replace("'identity.clientId': identityClientId", "", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.UnknownSettingSource, "chat");
    }

    [Fact]
    public void Check_QueueSendMissingFromEntry_ReportsMissingRole()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("send: ['payments', 'email']", "send: ['payments']", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "payments");
    }

    [Fact]
    public void Check_SenderRoleRemovedFromStorageModule_ReportsMissingRoleForSendersOnly()
    {
        var broken = WithSamples(Real).WithModule("storage.bicep", s => s.Replace("  queueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'\n", "", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "payments");
        Assert.DoesNotContain(problems, p => p.App == "pingpong");
    }

    [Fact]
    public void Check_ProcessorRoleNotDerivedFromTriggers_ReportsMissingRole()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("queueTrigger: app.storage.queues.trigger", "queueTrigger: []", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "payments");
    }

    [Fact]
    public void Check_BlobTriggerMissingFromEntry_ReportsMissingRole()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("{ container: 'uploads', function: 'MakeGalleryThumbnail' }", "", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "gallery");
    }

    [Fact]
    public void Check_BlobContributorRoleRemoved_ReportsMissingRole()
    {
        var broken = WithSamples(Real).WithModule("storage.bicep", s => s.Replace("for grant in blobReadWriteGrants:", "for grant in []:", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "gallery");
    }

    [Fact]
    public void Check_CosmosRoleScopedToAccountInsteadOfContainer_ReportsMissingRole()
    {
        var broken = Real.WithModule("cosmos.bicep", c => c.Replace("'${account.id}/dbs/${databaseName}/colls/${grant.container}'", "account.id", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingRole, "pingpong");
    }

    [Fact]
    public void Check_WebPubSubOwnerRoleRemoved_ReportsMissingRole()
    {
        var broken = WithSamples(Real).WithModule("webpubsub.bicep", w => w.Replace("12cf5a90-567b-43ae-8102-96cf46c7d9b4", "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingRole, "chat");
    }

    [Fact]
    public void Check_HostStorageRoleRemoved_ReportsMissingRoleForEveryApp()
    {
        var broken = Real.WithModule("storage.bicep", s => s.Replace("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingRole, "pingpong");
    }

    [Fact]
    public void Check_BlobTriggerWithoutFunctionName_ReportsMissingEventGridWiring()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("function: 'MakeGalleryThumbnail'", "function: ''", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        AssertReports(problems, ProblemCodes.MissingEventGridWiring, "gallery");
    }

    [Fact]
    public void Check_TwoAppsShareADeploymentContainer_ReportsSharedDeploymentContainer()
    {
        var broken = WithSamples(Real).WithMain(m => m.Replace("deploymentContainer: 'deploy-chat'", "deploymentContainer: 'deploy-pingpong'", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, AllManifests());

        Assert.Contains(problems, p => p.Code == ProblemCodes.SharedDeploymentContainer && (p.App == "chat" || p.App == "pingpong"));
    }

    [Fact]
    public void Check_DeploymentContainerIsADataContainer_ReportsSharedDeploymentContainer()
    {
        var broken = Real.WithMain(m => m.Replace("deploymentContainer: 'deploy-pingpong'", "deploymentContainer: 'uploads'", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.SharedDeploymentContainer, "pingpong");
    }

    [Fact]
    public void Check_FunctionAppDeployedFromFixedContainer_ReportsSharedDeploymentContainer()
    {
        var broken = Real.WithModule("functionApp.bicep", f => f.Replace("${app.deploymentContainer}'", "deployments'", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.SharedDeploymentContainer, "pingpong");
    }

    private static ModuleManifest RealManifest(string folder) =>
        ModuleManifest.Parse(File.ReadAllText(RepoRoot.Combine("functions", folder, "hit-module.yaml")), folder);

    [Fact]
    public void Check_SecretSettingMissingFromEntry_ReportsMissingSetting()
    {
        var broken = Real.WithMain(m => m.Replace("      { name: 'Auth__KeyEncryptionKey', secret: 'auth-key-encryption-key' }\n", "", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "auth");
    }

    [Fact]
    public void Check_SecretNameDiffers_ReportsMissingSetting()
    {
        var broken = Real.WithMain(m => m.Replace("secret: 'directory-hmac-secret-0'", "secret: 'directory-hmac-secret'", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "directory");
    }

    [Fact]
    public void Check_SecretSettingAsValueInEntry_ReportsMissingSetting()
    {
        var broken = Real.WithMain(m => m.Replace("secret: 'directory-hmac-secret-0'", "value: 'directory-hmac-secret-0'", StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "directory");
    }

    [Fact]
    public void Check_SiteWithoutKeyVaultReferenceIdentity_ReportsMissingSettingForSecretAppsOnly()
    {
        var broken = Real.WithModule("functionApp.bicep", f => f.Replace("keyVaultReferenceIdentity: identityId", "", StringComparison.Ordinal));
        Assert.NotEqual(Real.Module("functionApp.bicep"), broken.Module("functionApp.bicep"));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "auth");
        AssertReports(problems, ProblemCodes.MissingSetting, "directory");
        Assert.DoesNotContain(problems, p => p.App == "pingpong");
    }

    [Fact]
    public void Check_SecretNotTurnedIntoKeyVaultReference_ReportsMissingSetting()
    {
        var broken = Real.WithModule("functionApp.bicep", f => f.Replace("'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${s.secret!})'", "s.secret!", StringComparison.Ordinal));
        Assert.NotEqual(Real.Module("functionApp.bicep"), broken.Module("functionApp.bicep"));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingSetting, "auth");
    }

    [Fact]
    public void Check_KeyVaultModuleMissing_ReportsMissingKeyVaultAndRole()
    {
        var modules = Real.Modules.Where(m => m.Key != "keyvault.bicep").ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var broken = new InfraSources { Main = Real.Main, Modules = modules };

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingKeyVault, "auth");
        AssertReports(problems, ProblemCodes.MissingRole, "directory");
        Assert.DoesNotContain(problems, p => p.App == "pingpong");
    }

    [Fact]
    public void Check_KeyVaultWithoutPurgeProtection_ReportsMissingKeyVault()
    {
        var broken = Real.WithModule("keyvault.bicep", k => k.Replace("enablePurgeProtection: true", "enablePurgeProtection: false", StringComparison.Ordinal));
        Assert.NotEqual(Real.Module("keyvault.bicep"), broken.Module("keyvault.bicep"));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingKeyVault, "directory");
    }

    [Fact]
    public void Check_KeyVaultWithAccessPolicies_ReportsMissingKeyVault()
    {
        var broken = Real.WithModule("keyvault.bicep", k => k.Replace("enableRbacAuthorization: true", "enableRbacAuthorization: false", StringComparison.Ordinal));
        Assert.NotEqual(Real.Module("keyvault.bicep"), broken.Module("keyvault.bicep"));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingKeyVault, "auth");
    }

    [Fact]
    public void Check_SecretsUserNotFedFromAppList_ReportsMissingRole()
    {
        var broken = Real.WithMain(m => m.Replace(
            "readerPrincipalIds: [for (app, i) in apps: empty(filter(app.settings, s => s.?secret != null)) ? '' : identities[i].outputs.principalId]",
            "readerPrincipalIds: []",
            StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingRole, "directory");
    }

    [Fact]
    public void Check_SecretsUserRoleScopedToResourceGroup_ReportsMissingRoleForSecretAppsOnly()
    {
        var broken = Real.WithModule("keyvault.bicep", k => k.Replace("    scope: vault\n    properties: {\n      principalId: principalId", "    properties: {\n      principalId: principalId", StringComparison.Ordinal));
        Assert.NotEqual(Real.Module("keyvault.bicep"), broken.Module("keyvault.bicep"));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.MissingRole, "auth");
        Assert.DoesNotContain(problems, p => p.App == "pingpong");
    }

    [Fact]
    public void Check_ManifestSettingWithValueAndSecret_ReportsInvalidSetting()
    {
        var auth = RealManifest("Auth");
        auth.Settings.Single(s => s.Secret is not null).Value = "inline-key";

        var problems = ConsistencyChecker.Check(Real, [auth]);

        AssertReports(problems, ProblemCodes.InvalidSetting, "auth");
    }

    [Fact]
    public void Check_ManifestSettingWithoutSource_ReportsInvalidSetting()
    {
        var directory = RealManifest("Directory");
        directory.Settings.Add(new ModuleManifest.SettingSpec { Name = "Directory__Unset" });

        var problems = ConsistencyChecker.Check(Real, [directory]);

        AssertReports(problems, ProblemCodes.InvalidSetting, "directory");
    }

    [Fact]
    public void Check_EntrySettingWithTwoSources_ReportsInvalidSetting()
    {
        var broken = Real.WithMain(m => m.Replace(
            "{ name: 'Directory__Hmac__Secrets__0', secret: 'directory-hmac-secret-0' }",
            "{ name: 'Directory__Hmac__Secrets__0', value: 'plain', secret: 'directory-hmac-secret-0' }",
            StringComparison.Ordinal));
        Assert.NotEqual(Real.Main, broken.Main);

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.InvalidSetting, "directory");
    }

    [Fact]
    public void Check_AppListWithExpression_ReportsAppListUnreadable()
    {
        var broken = Real.WithMain(m => m.Replace("name: 'pingpong'", "name: 'ping${resourceToken}'", StringComparison.Ordinal));

        var problems = ConsistencyChecker.Check(broken, RealManifests);

        AssertReports(problems, ProblemCodes.AppListUnreadable, "*");
    }
}
