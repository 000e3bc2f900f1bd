using Hit.Cli.Repo;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Consistency;

/// <summary>azure.yaml must deploy every app, from the prebuilt app root that `./hit build` writes.</summary>
public static class AzdChecker
{
    public const string MissingService = "azd-missing-service";
    public const string WrongService = "azd-wrong-service";

    public static IReadOnlyList<Problem> Check(string azureYaml, IReadOnlyList<ModuleManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var yaml = new YamlStream();
        using (var reader = new StringReader(azureYaml))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = root.Children.TryGetValue(new YamlScalarNode("services"), out var node) ? node as YamlMappingNode : null;
        var problems = new List<Problem>();
        foreach (var app in manifests.Where(m => m.Name.Length > 0))
        {
            if (services is null || !services.Children.TryGetValue(new YamlScalarNode(app.Name), out var serviceNode) || serviceNode is not YamlMappingNode service)
            {
                problems.Add(new(MissingService, app.Name, "azure.yaml has no service of this name (the azd-service-name tag of its site)."));
                continue;
            }

            Expect(service, "project", $"./functions/{app.Folder}");
            Expect(service, "host", "function");
            Expect(service, "language", "custom");
            Expect(service, "dist", $"../../artifacts/apps/{app.Folder}");

            void Expect(YamlMappingNode s, string key, string wanted)
            {
                var actual = s.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
                if (actual != wanted)
                {
                    problems.Add(new(WrongService, app.Name, $"azure.yaml service {key} is '{actual}', expected '{wanted}'."));
                }
            }
        }

        return problems;
    }
}
