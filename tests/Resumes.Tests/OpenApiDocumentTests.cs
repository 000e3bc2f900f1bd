using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Platform.Worker;
using Hit.Resumes.Resumes;
using Hit.Testing;

namespace Hit.Resumes.Tests;

public sealed class OpenApiDocumentTests
{
    private static string FunctionsMetadata =>
        Path.Combine(typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResumesOutput").Value!,
            "functions.metadata");

    [Fact]
    public void Document_DescribesExactlyTheAppsHttpFunctions()
    {
        var document = JsonNode.Parse(OpenApiFunctions.Read(typeof(ResumeStore).Assembly) ?? throw new InvalidOperationException("Resumes embeds no openapi.json."))!.AsObject();

        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, document));
    }

    [Fact]
    public void FunctionsMetadata_HoldsTheResumeAndPlatformFunctions()
    {
        var functions = OpenApiContract.HttpFunctions(FunctionsMetadata).Select(f => f.Function).ToHashSet();

        Assert.Equal(["CreateResume", "DeleteResume", "GetResume", "Healthz", "ListResumes", "ListUserResumes", "OpenApiDocument", "Readyz", "UpdateResume"], functions.Order());
    }
}
