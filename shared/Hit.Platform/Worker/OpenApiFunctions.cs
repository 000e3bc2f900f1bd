using System.Reflection;
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

    [Function("OpenApiDocument")]
    public static Results<FileContentHttpResult, ProblemHttpResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request) =>
        Document.Value is { } json
            ? TypedResults.Bytes(json, "application/json")
            : Problems.NotFound("This app publishes no OpenAPI document.");

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
