using System.Text.Json.Nodes;

namespace Hit.Testing;

/// <summary>
/// ARCHITECTURE §4: an app's OpenAPI document against the functions the Worker SDK generated (functions.metadata) —
/// every HTTP function documented at its route and methods, nothing documented that is not a function. Operations
/// name their function with <c>x-hit-function</c> (operation ids must be unique, a function may serve several methods).
/// </summary>
public static class OpenApiContract
{
    /// <summary>
    /// The platform's catch-all (<c>Hit.Platform.Worker.FallbackFunctions</c>): it answers 404/405 for what no
    /// operation serves, so it is not an operation a client calls, and documenting <c>/{path}</c> would invite calls.
    /// </summary>
    public const string FallbackFunction = "Fallback";

    /// <summary>Each mismatch as a sentence; empty when the document and the functions agree.</summary>
    public static IReadOnlyList<string> Mismatches(string functionsMetadataPath, JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var functions = HttpFunctions(functionsMetadataPath);
        var documented = Operations(document);
        return
        [
            .. functions.Except(documented).Select(f => $"{f.Function} ({f.Method} {f.Path}) is an HTTP function the document does not describe."),
            .. documented.Except(functions).Select(o => $"{o.Method} {o.Path} (x-hit-function {o.Function}) is documented but no such function exists."),
        ];
    }

    /// <summary>(function, METHOD, /route) for every method of every HTTP-triggered function.</summary>
    public static IReadOnlySet<HttpOperation> HttpFunctions(string functionsMetadataPath)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(functionsMetadataPath))!.AsArray();
        var result = new HashSet<HttpOperation>();
        foreach (var function in metadata)
        {
            var name = (string)function!["name"]!;
            if (name == FallbackFunction)
            {
                continue;
            }

            foreach (var binding in function["bindings"]!.AsArray())
            {
                if (!string.Equals((string?)binding!["type"], "httpTrigger", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                // The host's default route is the function name; apps declare every route, with routePrefix "".
                var route = OpenApiPath((string?)binding["route"] ?? name);
                foreach (var method in binding["methods"]?.AsArray() ?? [])
                {
                    result.Add(new(name, ((string)method!).ToUpperInvariant(), route));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// A route template as an OpenAPI path: constraints, defaults and catch-all marks dropped (<c>{id:guid}</c>,
    /// <c>{*path}</c> → <c>{path}</c>), and a segment that can only be empty (<c>{ignored:maxlength(0)?}</c>, how a
    /// function claims <c>/</c>) removed.
    /// </summary>
    public static string OpenApiPath(string route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var segments = new List<string>();
        foreach (var segment in route.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is ['{', .., '}'])
            {
                var inner = segment[1..^1].TrimStart('*');
                if (inner.Contains("maxlength(0)", StringComparison.Ordinal))
                {
                    continue;
                }

                var end = inner.IndexOfAny([':', '=', '?']);
                segments.Add("{" + (end < 0 ? inner : inner[..end]) + "}");
            }
            else
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }

    private static HashSet<HttpOperation> Operations(JsonObject document)
    {
        var result = new HashSet<HttpOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                result.Add(new((string?)operation!["x-hit-function"] ?? "(none)", method.ToUpperInvariant(), path));
            }
        }

        return result;
    }
}

/// <summary>One method of one HTTP function at its route (<c>/counter/{id}</c>), or one documented operation.</summary>
public readonly record struct HttpOperation(string Function, string Method, string Path);
