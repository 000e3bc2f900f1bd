using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Directory.Origins;

/// <summary>
/// A catch-all function for every method. The Functions host answers 404 itself for a path or method no function
/// declares, and routes a CORS preflight by its <c>OPTIONS</c> method (the local host) or by the method it announces
/// (Azure); either way the preflight and unknown paths must reach the worker, where the allow-list
/// (<see cref="OriginMiddleware"/>) answers preflights and this function answers the rest: 204 for a bare
/// <c>OPTIONS</c>, else the envelope's 404 <c>not_found</c>. Specific routes take precedence over it.
/// </summary>
internal sealed class FallbackFunctions
{
    [Function(nameof(CorsPreflight))]
    public static IResult CorsPreflight(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", "head", "options", Route = "{*path}")] HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "No such endpoint.");
}
