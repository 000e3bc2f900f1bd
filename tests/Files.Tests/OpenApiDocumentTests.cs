using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Files.Storage;
using Hit.Platform.Worker;
using Hit.Testing;

namespace Hit.Files.Tests;

public sealed class OpenApiDocumentTests
{
    internal static string FunctionsMetadata =>
        Path.Combine(typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FilesOutput").Value!,
            "functions.metadata");

    private static JsonObject Document =>
        JsonNode.Parse(OpenApiFunctions.Read(typeof(FileStore).Assembly) ?? throw new InvalidOperationException("Files embeds no openapi.json."))!.AsObject();

    [Fact]
    public void Document_DescribesExactlyTheAppsHttpFunctions()
    {
        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, Document));
    }

    [Fact]
    public void FunctionsMetadata_HoldsEveryFunction_WithTheBlobTriggerOnUploadsFromEventGrid()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(FunctionsMetadata))!.AsArray();
        var names = metadata.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal).ToList();
        var trigger = metadata.Single(f => (string)f!["name"]! == "MakeThumbnail")!["bindings"]!.AsArray().Single(b => (string?)b!["direction"] == "In")!;

        Assert.Equal(
            ["CompleteUpload", "CreateCategory", "CreateUploadUrl", "DeleteCategory", "DeleteFile", "Fallback", "GetCategory", "GetFile", "GetFileContent",
             "GetThumbnail", "Healthz", "ListCategories", "MakeThumbnail", "OpenApiDocument", "Readyz", "UpdateCategory", "UpdateFile", "UploadFile",
             "UploadPage", "UploadPageAsset"],
            names);
        Assert.Equal(("blobTrigger", "uploads/{name}", "EventGrid"), ((string?)trigger["type"], (string?)trigger["path"], (string?)trigger["source"]));
        // Deferred binding: the host sends the blob's coordinates, not its bytes.
        Assert.Equal("True", (string?)trigger["properties"]?["supportsDeferredBinding"]);
    }
}
