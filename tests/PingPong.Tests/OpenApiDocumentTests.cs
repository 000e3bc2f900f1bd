using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Platform.Worker;
using Hit.PingPong.Counters;
using Hit.Testing;

namespace PingPong.Tests;

public sealed class OpenApiDocumentTests
{
    private static string FunctionsMetadata =>
        Path.Combine(typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PingPongOutput").Value!,
            "functions.metadata");

    private static JsonObject Document =>
        JsonNode.Parse(OpenApiFunctions.Read(typeof(CounterStore).Assembly) ?? throw new InvalidOperationException("PingPong embeds no openapi.json."))!.AsObject();

    [Fact]
    public void Document_DescribesExactlyTheAppsHttpFunctions()
    {
        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, Document));
    }

    [Fact]
    public void FunctionsMetadata_HoldsTheCountersAndThePlatformFunctions()
    {
        var functions = OpenApiContract.HttpFunctions(FunctionsMetadata).Select(f => f.Function).ToHashSet();

        Assert.Equal(["GetCounter", "Healthz", "IncrementCounter", "OpenApiDocument", "Readyz", "ResetCounter"], functions.Order());
    }
}
