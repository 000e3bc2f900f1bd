using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hit.Platform.Manifest;

/// <summary>A generated <c>function.json</c>.</summary>
public sealed record FunctionDefinition(string Name, JsonObject FunctionJson);

/// <summary>Raised when the endpoint table cannot be described as Functions (unnamed endpoint, duplicate name…).</summary>
public sealed class FunctionManifestException(string message) : Exception(message);

/// <summary>
/// Turns the app's endpoint table into Functions: every named HTTP endpoint becomes an <c>httpTrigger</c> +
/// <c>http</c> output (the app does its own auth, so <c>authLevel</c> is anonymous), every trigger endpoint carries
/// its bindings. This is the only source of <c>function.json</c> in the project.
/// </summary>
public static partial class FunctionManifest
{
    public static IReadOnlyList<FunctionDefinition> Build(IEnumerable<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var functions = new List<FunctionDefinition>();
        var errors = new List<string>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<NotAFunction>() is not null)
            {
                continue;
            }

            if (endpoint.Metadata.GetMetadata<TriggerFunctionMetadata>() is { } trigger)
            {
                functions.Add(new FunctionDefinition(trigger.FunctionName, TriggerJson(trigger)));
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var display = $"{(methods.Count == 0 ? "ANY" : string.Join(',', methods))} {endpoint.RoutePattern.RawText}";
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (name is null)
            {
                errors.Add($"Endpoint '{display}' has no name. Every HTTP endpoint is an Azure Function and needs a stable function name: add .WithName(\"...\").");
                continue;
            }

            functions.Add(new FunctionDefinition(name, HttpJson(endpoint.RoutePattern.RawText ?? "", methods)));
        }

        foreach (var function in functions)
        {
            if (!FunctionNameRegex().IsMatch(function.Name))
            {
                errors.Add($"'{function.Name}' is not a valid function name (letters, digits, '_' and '-', starting with a letter, at most 128).");
            }
        }

        foreach (var duplicate in functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"The function name '{duplicate.Key}' is used by {duplicate.Count()} endpoints; function names must be unique (case-insensitive).");
        }

        return errors.Count == 0
            ? functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList()
            : throw new FunctionManifestException(string.Join(Environment.NewLine, errors));
    }

    /// <summary>Writes one <c>&lt;Name&gt;/function.json</c> per function (replacing any stale function folders).</summary>
    public static void Write(string appRoot, IReadOnlyList<FunctionDefinition> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Directory.CreateDirectory(appRoot);
        foreach (var stale in Directory.EnumerateFiles(appRoot, "function.json", SearchOption.AllDirectories))
        {
            Directory.Delete(Path.GetDirectoryName(stale)!, recursive: true);
        }

        foreach (var function in functions)
        {
            var folder = Directory.CreateDirectory(Path.Combine(appRoot, function.Name));
            File.WriteAllText(Path.Combine(folder.FullName, "function.json"), function.FunctionJson.ToJsonString(Indented) + "\n");
        }
    }

    /// <summary>
    /// host.json for the app root: the repository's host.json with the handler's executable filled in. The
    /// <c>customHandler</c> section is forced to the values the platform depends on (forwarding, no route prefix).
    /// </summary>
    public static JsonObject HostJson(JsonObject rootHostJson, string executable, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(rootHostJson);
        var host = (JsonObject)rootHostJson.DeepClone();
        var extensions = host["extensions"] as JsonObject ?? (JsonObject)(host["extensions"] = new JsonObject());
        var http = extensions["http"] as JsonObject ?? (JsonObject)(extensions["http"] = new JsonObject());
        http["routePrefix"] = "";
        host["customHandler"] = new JsonObject
        {
            ["description"] = new JsonObject
            {
                ["defaultExecutablePath"] = executable,
                ["workingDirectory"] = workingDirectory,
                ["arguments"] = new JsonArray("--urls", "http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%"),
            },
            ["enableForwardingHttpRequest"] = true,
        };
        return host;
    }

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The route a function mapped at <c>/</c> is declared with. The Functions host treats an empty <c>route</c> as
    /// "use the function name" (azure-functions-host#4638, Azure-Functions#2473), so <c>""</c> would publish the app
    /// root at <c>/{FunctionName}</c>. An optional parameter that can only be empty matches exactly the root and
    /// nothing else, in the host's router and in ASP.NET Core's alike.
    /// </summary>
    public const string RootRoute = "{ignored:maxlength(0)?}";

    private static JsonObject HttpJson(string rawRoute, IReadOnlyList<string> methods)
    {
        var trigger = new JsonObject
        {
            ["type"] = "httpTrigger",
            ["direction"] = "in",
            ["name"] = "req",
            ["authLevel"] = "anonymous",
        };
        if (methods.Count > 0)
        {
            trigger["methods"] = new JsonArray([.. methods.Select(m => (JsonNode)m.ToLowerInvariant())]);
        }

        var route = rawRoute.Trim('/');
        trigger["route"] = route.Length == 0 ? RootRoute : route;
        return new JsonObject
        {
            ["bindings"] = new JsonArray(trigger, new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        };
    }

    private static JsonObject TriggerJson(TriggerFunctionMetadata trigger)
    {
        var bindings = new JsonArray(trigger.Trigger.DeepClone());
        foreach (var output in trigger.Outputs)
        {
            bindings.Add(output.DeepClone());
        }

        return new JsonObject { ["bindings"] = bindings };
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNameRegex();
}
