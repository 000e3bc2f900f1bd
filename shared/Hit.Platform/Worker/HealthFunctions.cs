using Hit.Platform.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hit.Platform.Worker;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> as functions of every worker app: the Worker SDK indexes <c>[Function]</c>
/// methods of referenced assemblies too, so they land in each app's functions.metadata without per-app code.
/// </summary>
public sealed class HealthFunctions(HealthCheckService health)
{
    /// <summary>Liveness answers without touching dependencies: a slow database must not get the process restarted.</summary>
    [Function("Healthz")]
    public static ContentHttpResult Healthz(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "healthz")] HttpRequest request) =>
        TypedResults.Text(nameof(HealthStatus.Healthy), "text/plain");

    /// <summary>Readiness: the checks tagged <see cref="HealthEndpoints.ReadyTag"/>; 503 when one is unhealthy.</summary>
    [Function("Readyz")]
    public async Task<IResult> Readyz(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "readyz")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag), cancellationToken).ConfigureAwait(false);
        return new HealthReportResult(report);
    }

    private sealed class HealthReportResult(HealthReport report) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return HealthResponseWriter.WriteAsync(httpContext, report);
        }
    }
}
