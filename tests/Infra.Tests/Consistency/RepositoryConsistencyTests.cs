namespace Infra.Tests.Consistency;

/// <summary>The real repository: every app under functions/ against infra/bicep.</summary>
public sealed class RepositoryConsistencyTests
{
    [Fact]
    public void Repository_ManifestsAndBicep_AreConsistent()
    {
        var manifests = Manifests.LoadAll(RepoRoot.Path);
        var problems = ConsistencyChecker.Check(InfraSources.Load(RepoRoot.Path), manifests);

        Assert.NotEmpty(manifests);
        Assert.True(problems.Count == 0, "Bicep and manifests disagree:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Repository_EveryAppFolder_HasAFunctionAppEntry()
    {
        var folders = Directory.GetDirectories(RepoRoot.Combine("functions")).Select(Path.GetFileName).ToList();
        var entries = ((List<object?>)BicepLiteral.ParseVariable(InfraSources.Load(RepoRoot.Path).Main, "apps")!)
            .Cast<Dictionary<string, object?>>()
            .Select(e => (string)e["folder"]!)
            .ToList();

        Assert.NotEmpty(folders);
        Assert.Equal(folders.Order(StringComparer.Ordinal), entries.Order(StringComparer.Ordinal));
    }
}
