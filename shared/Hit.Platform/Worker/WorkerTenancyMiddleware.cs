using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// Resolves the request's namespace once (the authenticated caller's <c>ns</c> claim, else <c>X-Hit-Namespace</c>,
/// else <see cref="PlatformOptions.DefaultNamespace"/>) and keeps it in
/// <c>HttpContext.Features</c>, where <see cref="TenantNamespaceConverter"/> binds it to function parameters.
/// </summary>
internal sealed class WorkerTenancyMiddleware(IOptions<PlatformOptions> options) : IFunctionsWorkerMiddleware
{
    internal const string InvalidDetail = $"The namespace must match {TenantNamespace.Pattern}.";

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (Resolve(context.Http(), options.Value.DefaultNamespace) is { } refusal)
        {
            context.Respond(refusal);
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>Sets the request's <see cref="TenantNamespace"/> feature; returns a 400 problem when the namespace is invalid.</summary>
    internal static IResult? Resolve(HttpContext http, string defaultNamespace)
    {
        // An authenticated caller's token decides its namespace; a header cannot move it into another tenant.
        var claim = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(TenantNamespace.ClaimType)?.Value : null;
        var header = http.Request.Headers[TenantNamespace.HeaderName].ToString();
        var value = claim ?? (header.Length > 0 ? header : defaultNamespace);
        if (!TenantNamespace.IsValid(value))
        {
            return Problems.BadRequest(TenantNamespace.HeaderName, InvalidDetail, ProblemCodes.InvalidNamespace);
        }

        http.Features.Set(new TenantNamespace(value));
        return null;
    }
}
