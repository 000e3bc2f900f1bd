using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// The app's HTTP routes as the host registered them — read from the app root's <c>functions.metadata</c> (and
/// <c>host.json</c>'s route prefix), since the worker is told nothing about other functions' triggers — so the
/// fallback function can tell "no such path" (404) from "not with this method" (405 with <c>Allow</c>).
/// </summary>
public sealed class AppRoutes
{
    private static readonly string[] AllMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    private readonly IReadOnlyList<AppRoute> _routes;

    private AppRoutes(IReadOnlyList<AppRoute> routes) => _routes = routes;

    public IReadOnlyList<AppRoute> Routes => _routes;

    /// <summary>
    /// Loads the routes of the app in <paramref name="appRoot"/>, leaving out <paramref name="excludedFunctions"/>
    /// (the fallback itself). Inline constraints are resolved with ASP.NET Core's resolver, as the host does.
    /// </summary>
    public static AppRoutes Load(string appRoot, IServiceProvider services, params string[] excludedFunctions)
    {
        ArgumentException.ThrowIfNullOrEmpty(appRoot);
        ArgumentNullException.ThrowIfNull(services);
        var metadata = Path.Combine(appRoot, "functions.metadata");
        if (!File.Exists(metadata))
        {
            return new AppRoutes([]);
        }

        var prefix = RoutePrefix(Path.Combine(appRoot, "host.json"));
        var resolver = new DefaultInlineConstraintResolver(Options.Create(new RouteOptions()), services);
        var routes = new List<AppRoute>();
        using var document = JsonDocument.Parse(File.ReadAllBytes(metadata));
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString() ?? "";
            if (excludedFunctions.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                if (!binding.TryGetProperty("type", out var type) || !string.Equals(type.GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var route = binding.TryGetProperty("route", out var r) && r.GetString() is { } value ? value : name;
                var methods = binding.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                    ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToArray()
                    : AllMethods;
                routes.Add(AppRoute.Create(name, prefix.Length == 0 ? route : prefix + "/" + route, methods, resolver));
            }
        }

        return new AppRoutes(routes);
    }

    /// <summary>The methods the app's functions accept at <paramref name="path"/>; empty when no route matches it.</summary>
    public IReadOnlySet<string> MethodsAt(HttpContext context, PathString path)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var route in _routes)
        {
            if (route.Matches(context, path))
            {
                methods.UnionWith(route.Methods);
            }
        }

        return methods;
    }

    private static string RoutePrefix(string hostJson)
    {
        if (!File.Exists(hostJson))
        {
            return "api";
        }

        using var host = JsonDocument.Parse(File.ReadAllBytes(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return host.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? (prefix.GetString() ?? "").Trim('/')
            : "api";
    }
}

/// <summary>One function's route: its template, inline constraints and methods.</summary>
public sealed class AppRoute
{
    private readonly TemplateMatcher _matcher;
    private readonly IReadOnlyList<(string Parameter, bool Optional, IRouteConstraint Constraint)> _constraints;

    private AppRoute(string function, string template, IReadOnlyList<string> methods, TemplateMatcher matcher,
        IReadOnlyList<(string, bool, IRouteConstraint)> constraints)
    {
        Function = function;
        Template = template;
        Methods = methods;
        _matcher = matcher;
        _constraints = constraints;
    }

    public string Function { get; }

    public string Template { get; }

    public IReadOnlyList<string> Methods { get; }

    internal static AppRoute Create(string function, string template, IReadOnlyList<string> methods, IInlineConstraintResolver resolver)
    {
        var parsed = TemplateParser.Parse(template);
        var constraints = new List<(string, bool, IRouteConstraint)>();
        foreach (var parameter in parsed.Parameters)
        {
            foreach (var inline in parameter.InlineConstraints)
            {
                if (resolver.ResolveConstraint(inline.Constraint) is { } constraint)
                {
                    constraints.Add((parameter.Name!, parameter.IsOptional, constraint));
                }
            }
        }

        return new AppRoute(function, template, methods, new TemplateMatcher(parsed, new RouteValueDictionary()), constraints);
    }

    public bool Matches(HttpContext context, PathString path)
    {
        var values = new RouteValueDictionary();
        if (!_matcher.TryMatch(path, values))
        {
            return false;
        }

        foreach (var (parameter, optional, constraint) in _constraints)
        {
            // An optional parameter that is absent satisfies its constraints (ASP.NET Core's OptionalRouteConstraint).
            if (optional && (!values.TryGetValue(parameter, out var value) || value is null))
            {
                continue;
            }

            if (!constraint.Match(context, null, parameter, values, RouteDirection.IncomingRequest))
            {
                return false;
            }
        }

        return true;
    }
}
