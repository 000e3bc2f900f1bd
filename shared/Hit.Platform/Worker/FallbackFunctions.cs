using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.Worker;

/// <summary>
/// The catch-all every worker app gets (like <c>Healthz</c>): the host answers an empty 404 itself for a path no
/// function declares and — since its routes carry method constraints — for a known path with another method too.
/// This function takes both instead: 405 with <c>Allow</c> when another function serves the path, 204 with
/// <c>Allow</c> for <c>OPTIONS</c> there, else 404 — as ProblemDetails, which an app with its own error shape
/// rewrites (an <c>IProblemDetailsWriter</c>). The host orders routes literal-first (WebJobsRouteBuilder), so every
/// declared route wins over <c>{*path}</c>; a root route must be <c>{ignored:maxlength(0)?}</c> (a constrained
/// parameter sorts before the catch-all), as the directory's is.
/// </summary>
public sealed class FallbackFunctions
{
    public const string FunctionName = "Fallback";

    private static readonly Lock Gate = new();
    private static AppRoutes? _routes;

    [Function(FunctionName)]
    public static IResult Fallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "{*path}")] HttpRequest request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var methods = RoutesOf(context).MethodsAt(request.HttpContext, request.Path);
        if (methods.Count == 0)
        {
            return Problems.NotFound($"No function serves {request.Path}.");
        }

        var allow = string.Join(", ", methods.Append("OPTIONS").Distinct());
        return HttpMethods.IsOptions(request.Method)
            ? new WithAllow(allow, TypedResults.NoContent())
            : new WithAllow(allow, Problems.Create(StatusCodes.Status405MethodNotAllowed, ProblemCodes.MethodNotAllowed,
                $"{request.Method} is not allowed on {request.Path}; allowed: {allow}."));
    }

    private static AppRoutes RoutesOf(FunctionContext context)
    {
        lock (Gate)
        {
            // This function's assembly sits in the app root next to functions.metadata.
            return _routes ??= AppRoutes.Load(Path.GetDirectoryName(context.FunctionDefinition.PathToAssembly)!, context.InstanceServices, FunctionName);
        }
    }

    /// <summary>RFC 9110 §15.5.6: a 405 carries <c>Allow</c>; so does the answer to <c>OPTIONS</c>.</summary>
    internal sealed class WithAllow(string allow, IResult inner) : IResult
    {
        public string Allow => allow;

        public IResult Inner => inner;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.Allow = allow;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
