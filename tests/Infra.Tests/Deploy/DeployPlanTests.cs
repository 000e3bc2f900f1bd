using Hit.Cli.Deploy;
using Infra.Tests.Consistency;

namespace Infra.Tests.Deploy;

public sealed class DeployPlanTests
{
    private static readonly DeployApp PingPong = new("pingpong", "PingPong");
    private static readonly DeployApp Files = new("files", "Files");

    // ARM returns output names with the first letter lower-cased; the parser must not care.
    private const string OutputsJson = """
        {
          "azurE_RESOURCE_GROUP": { "type": "String", "value": "rg-test" },
          "hiT_STORAGE_ACCOUNT": { "type": "String", "value": "stabc123" },
          "hiT_APPS": { "type": "Array", "value": [
            { "name": "pingpong", "folder": "PingPong", "siteName": "func-pingpong-abc", "deploymentContainer": "deploy-pingpong", "hostName": "x", "systemKeys": [] },
            { "name": "files", "folder": "Files", "siteName": "func-files-abc", "deploymentContainer": "deploy-files", "hostName": "y", "systemKeys": ["blobs_extension"] }
          ] }
        }
        """;

    private static DeployOptions Options(bool whatIf = false, params DeployApp[] apps) =>
        new("test", "westeurope", "11111111-2222-3333-4444-555555555555", apps.Length == 0 ? [PingPong, Files] : apps, whatIf);

    [Fact]
    public void DryRun_ProvisionsThenReleasesEachAppThenWires()
    {
        var steps = DeployPlan.DryRun(Options());

        Assert.Equal(
            new[] { "hit build", "az deployment", "az deployment", "zip", "az storage", "az rest", "zip", "az storage", "az rest", "sh infra/scripts/postdeploy.sh" },
            steps.Select(s => s.Kind switch
            {
                StepKind.Build => "hit build",
                StepKind.Zip => "zip",
                _ => s.Program == "sh" ? "sh " + s.Arguments[0] : $"{s.Program} {s.Arguments[0]}",
            }));
        Assert.Contains("create", steps[1].Arguments);
        Assert.Contains("show", steps[2].Arguments);
    }

    [Fact]
    public void Provision_PassesTheEnvironmentToMainBicepparam_AndWiresNothingYet()
    {
        var create = DeployPlan.Provision(Options())[1];

        Assert.Equal(["deployment", "sub", "create", "--name", "test", "--location", "westeurope",
            "--template-file", "infra/bicep/main.bicep", "--parameters", "infra/bicep/main.bicepparam", "--output", "none"], create.Arguments);
        Assert.Equal("test", create.Environment["AZURE_ENV_NAME"]);
        Assert.Equal("westeurope", create.Environment["AZURE_LOCATION"]);
        Assert.Equal("11111111-2222-3333-4444-555555555555", create.Environment["HIT_DEVELOPER_PRINCIPAL_ID"]);
        Assert.Equal("", create.Environment["HIT_WIRED_APPS"]);
    }

    [Fact]
    public void WhatIf_RunsOnlyTheWhatIf()
    {
        var options = Options(whatIf: true);

        var steps = DeployPlan.DryRun(options);

        var step = Assert.Single(steps);
        Assert.Equal(["deployment", "sub", "what-if"], step.Arguments.Take(3));
        Assert.Empty(DeployPlan.Release(options, DeploymentOutputs.Parse(OutputsJson)));
    }

    [Fact]
    public void Release_UploadsEachAppToItsOwnContainer_AndSyncsItsSite()
    {
        var steps = DeployPlan.Release(Options(), DeploymentOutputs.Parse(OutputsJson));

        var uploads = steps.Where(s => s.Arguments.Take(2).SequenceEqual(["storage", "blob"])).ToList();
        Assert.Equal(["deploy-pingpong", "deploy-files"], uploads.Select(u => Arg(u, "--container-name")));
        Assert.All(uploads, u => Assert.Equal("stabc123", Arg(u, "--account-name")));
        Assert.All(uploads, u => Assert.Equal(DeployPlan.PackageBlobName, Arg(u, "--name")));
        Assert.All(uploads, u => Assert.Equal("login", Arg(u, "--auth-mode")));

        var syncs = steps.Where(s => s.Program == "az" && s.Arguments[0] == "rest").Select(s => Arg(s, "--url")).ToList();
        Assert.Equal(2, syncs.Count);
        Assert.Contains("/resourceGroups/rg-test/providers/Microsoft.Web/sites/func-pingpong-abc/syncfunctiontriggers", syncs[0], StringComparison.Ordinal);
        Assert.Contains("/sites/func-files-abc/syncfunctiontriggers", syncs[1], StringComparison.Ordinal);

        var zips = steps.Where(s => s.Kind == StepKind.Zip).ToList();
        Assert.Equal([Path.Combine("artifacts", "apps", "PingPong"), Path.Combine("artifacts", "apps", "Files")], zips.Select(z => z.Arguments[0]));
    }

    [Fact]
    public void Release_SecondStageGetsTheOutputsAndWiresEveryDeployedApp()
    {
        var wire = DeployPlan.Release(Options(), DeploymentOutputs.Parse(OutputsJson))[^1];

        Assert.Equal("sh", wire.Program);
        Assert.Equal("pingpong,files", wire.Environment["HIT_WIRED_APPS"]);
        Assert.Equal("rg-test", wire.Environment["AZURE_RESOURCE_GROUP"]);
        Assert.Contains("func-files-abc", wire.Environment["HIT_APPS"], StringComparison.Ordinal);
    }

    [Fact]
    public void Release_AppNotInTheDeployment_Throws()
    {
        var options = Options(false, PingPong, new DeployApp("chat", "Chat"));

        var error = Assert.Throws<InvalidOperationException>(() => DeployPlan.Release(options, DeploymentOutputs.Parse(OutputsJson)));
        Assert.Contains("chat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseOutputs_MissingOutput_Throws()
    {
        Assert.Throws<FormatException>(() => DeploymentOutputs.Parse("""{ "azurE_RESOURCE_GROUP": { "type": "String", "value": "rg" } }"""));
    }

    [Fact]
    public void DryRun_RepositoryApps_EachGetsAZipUploadAndSync()
    {
        var apps = Manifests.LoadAll(RepoRoot.Path).Select(m => new DeployApp(m.Name, m.Folder)).ToArray();

        var steps = DeployPlan.DryRun(Options(false, apps));

        Assert.NotEmpty(apps);
        Assert.All(apps, app =>
        {
            Assert.Contains(steps, s => s.Kind == StepKind.Zip && s.Arguments[0] == Path.Combine("artifacts", "apps", app.Folder));
            Assert.Contains(steps, s => s.Arguments.Contains($"deploy-{app.Name}"));
        });
    }

    [Fact]
    public void Display_QuotesWhatTheShellWouldSplitOrRedirect()
    {
        var step = new DeployStep(StepKind.Run, "az", ["--query", "a b", "<placeholder>", "it's"], new Dictionary<string, string> { ["X"] = "" });

        Assert.Equal("X='' az --query 'a b' '<placeholder>' 'it'\\''s'", step.Display);
    }

    private static string Arg(DeployStep step, string name)
    {
        var i = step.Arguments.ToList().IndexOf(name);
        Assert.True(i >= 0 && i + 1 < step.Arguments.Count, $"{name} missing in {step.Display}");
        return step.Arguments[i + 1];
    }
}
