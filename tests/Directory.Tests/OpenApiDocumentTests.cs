using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Directory.Users;
using Hit.Platform.Worker;
using Hit.Testing;

namespace Hit.Directory.Tests;

/// <summary>The app's static OpenAPI document against the functions the Worker SDK generated (ARCHITECTURE §4).</summary>
public sealed class OpenApiDocumentTests
{
    private static string FunctionsMetadata =>
        Path.Combine(typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DirectoryOutput").Value!,
            "functions.metadata");

    private static JsonObject Document =>
        JsonNode.Parse(OpenApiFunctions.Read(typeof(UserStore).Assembly) ?? throw new InvalidOperationException("Directory embeds no openapi.json."))!.AsObject();

    [Fact]
    public void Document_DescribesExactlyTheAppsHttpFunctions()
    {
        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, Document));
    }

    [Fact]
    public void FunctionsMetadata_HoldsTheSeedRoutesDocsAndPlatformFunctions()
    {
        var functions = OpenApiContract.HttpFunctions(FunctionsMetadata).Select(f => f.Function).ToHashSet();

        Assert.Equal(
            ["CreateUser", "DeleteUser", "GetHealth", "GetServiceInfo", "GetUser", "GetUserByDiscord", "GetUserByEmail", "Healthz",
             "ListUsers", "OpenApiDocument", "QueryUsers", "Readyz", "Redoc", "SwaggerUi", "UpdateUser"],
            functions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SignatureIsRequired_ByExactlyTheUserFunctions()
    {
        var signed = OpenApiContract.HttpFunctions(FunctionsMetadata)
            .Select(f => f.Function).Distinct()
            .Where(f => SignedFunctions.Resolve(FunctionAssembly(f), EntryPoint(f)))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["CreateUser", "DeleteUser", "GetUser", "GetUserByDiscord", "GetUserByEmail", "ListUsers", "QueryUsers", "UpdateUser"], signed);
    }

    [Fact]
    public void EveryUserOperation_DocumentsTheSignature_AndNoPublicOneDoes()
    {
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (_, operation) in item!.AsObject())
            {
                Assert.Equal(path.StartsWith("/users", StringComparison.Ordinal), operation!["security"] is not null);
            }
        }
    }

    private static JsonObject Function(string name) =>
        JsonNode.Parse(File.ReadAllText(FunctionsMetadata))!.AsArray().Single(f => (string?)f!["name"] == name)!.AsObject();

    private static string FunctionAssembly(string name) =>
        Path.Combine(Path.GetDirectoryName(FunctionsMetadata)!, (string)Function(name)["scriptFile"]!);

    private static string EntryPoint(string name) => (string)Function(name)["entryPoint"]!;
}
