using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Platform.Errors;

/// <summary>Builds RFC 9457 problem responses that always carry a stable <c>code</c> (and the offending field).</summary>
public static class Problems
{
    /// <summary>A typed problem result for handlers: <c>Results&lt;Ok&lt;T&gt;, ProblemHttpResult&gt;</c>.</summary>
    public static ProblemHttpResult Create(int status, string code, string detail, string? field = null) =>
        TypedResults.Problem(Build(status, code, detail, field));

    /// <summary>400 naming the field that was wrong.</summary>
    public static ProblemHttpResult BadRequest(string field, string detail, string code = ProblemCodes.ValidationFailed) =>
        Create(StatusCodes.Status400BadRequest, code, detail, field);

    public static ProblemHttpResult NotFound(string detail, string code = ProblemCodes.NotFound) =>
        Create(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Conflict(string detail, string code = ProblemCodes.Conflict) =>
        Create(StatusCodes.Status409Conflict, code, detail);

    public static ProblemDetails Build(int status, string code, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        return problem;
    }

    /// <summary>Writes a problem directly (middleware, where no endpoint result is available).</summary>
    public static Task Write(HttpContext context, int status, string code, string detail, string? field = null)
    {
        context.Response.StatusCode = status;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return writer.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = Build(status, code, detail, field),
        }).AsTask();
    }

    internal static void Enrich(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = problem is HttpValidationProblemDetails ? ProblemCodes.ValidationFailed : ProblemCodes.ForStatus(status);
        }

        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
    }
}

internal static class ProblemDetailsExtensions
{
    public static IServiceCollection AddHitProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Enrich);
}
