using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.Platform.Http;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.Worker;

/// <summary>
/// <c>GET /openapi/v1.json</c> for every worker app: the app's own document, embedded in its assembly as
/// <see cref="ResourceName"/>. The document is written by hand next to the functions (the worker has no endpoint
/// metadata to generate one from), and each app's tests check it against the build's functions.metadata.
/// </summary>
public sealed class OpenApiFunctions
{
    /// <summary>The manifest resource name an app embeds its document under (<c>LogicalName="openapi.json"</c>).</summary>
    public const string ResourceName = "openapi.json";

    // The worker process's entry assembly is the app (the host starts `dotnet <App>.dll`).
    private static readonly Lazy<byte[]?> Document = new(() => Read(Assembly.GetEntryAssembly()));

    // One rendering per gateway prefix (there is one in practice, two with direct calls); bounded all the same.
    private static readonly ConcurrentDictionary<string, byte[]> ByPrefix = new(StringComparer.Ordinal);

    [Function("OpenApiDocument")]
    public static Results<FileContentHttpResult, ProblemHttpResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request)
    {
        if (Document.Value is not { } json)
        {
            return Problems.NotFound("This app publishes no OpenAPI document.");
        }

        var prefix = PublicAddress.Prefix(request);
        var rendered = ByPrefix.TryGetValue(prefix, out var cached) ? cached : WithServer(json, prefix);
        if (cached is null && ByPrefix.Count < 16)
        {
            ByPrefix.TryAdd(prefix, rendered);
        }

        return TypedResults.Bytes(rendered, "application/json");
    }

    /// <summary>
    /// The document with <c>servers</c> set to where the client called it from: the gateway prefix (<c>/files</c>),
    /// else <c>/</c>. Without it Swagger UI's "Try it out" calls <c>/files/upload</c> at the gateway's root instead of
    /// <c>/files/files/upload</c>. A relative server URL resolves against the document's own address (OpenAPI 3.0 §4.7.5).
    /// </summary>
    public static byte[] WithServer(byte[] document, string prefix)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(prefix);
        var root = JsonNode.Parse(document)!.AsObject();
        root["servers"] = new JsonArray(new JsonObject { ["url"] = prefix.Length == 0 ? "/" : prefix });
        return JsonSerializer.SerializeToUtf8Bytes(root, PlatformJsonNodes.Indented);
    }

    /// <summary>The document an assembly embeds, or null.</summary>
    public static byte[]? Read(Assembly? assembly)
    {
        using var stream = assembly?.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

internal static class PlatformJsonNodes
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
