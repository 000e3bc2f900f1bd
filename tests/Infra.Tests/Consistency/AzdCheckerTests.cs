using Hit.Cli.Repo;

namespace Infra.Tests.Consistency;

public sealed class AzdCheckerTests
{
    private static readonly string AzureYaml = File.ReadAllText(RepoRoot.Combine("azure.yaml"));
    private static readonly IReadOnlyList<ModuleManifest> RealManifests = Manifests.LoadAll(RepoRoot.Path);

    [Fact]
    public void Repository_AzureYaml_DeploysEveryAppFromItsBuiltRoot()
    {
        var problems = AzdChecker.Check(AzureYaml, RealManifests);

        Assert.NotEmpty(RealManifests);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Check_AppWithoutService_ReportsMissingService()
    {
        var problems = AzdChecker.Check(AzureYaml, [.. RealManifests, ModuleManifest.Parse(Samples.ChatYaml, "Chat")]);

        Assert.Contains(problems, p => p.Code == AzdChecker.MissingService && p.App == "chat");
    }

    [Fact]
    public void Check_ServiceDeployingTheSourceFolder_ReportsWrongService()
    {
        var broken = AzureYaml.Replace("dist: ../../artifacts/apps/PingPong", "dist: .", StringComparison.Ordinal);
        Assert.NotEqual(AzureYaml, broken);

        var problems = AzdChecker.Check(broken, RealManifests);

        Assert.Contains(problems, p => p.Code == AzdChecker.WrongService && p.App == "pingpong");
    }
}
