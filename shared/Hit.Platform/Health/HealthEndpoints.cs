using Hit.Platform.Manifest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hit.Platform.Health;

/// <summary>Liveness, readiness and the Functions host's start-up probe.</summary>
public static class HealthEndpoints
{
    /// <summary>Tag for checks that must pass before the app takes traffic (dependencies: Cosmos, Storage…).</summary>
    public const string ReadyTag = "ready";

    internal static IServiceCollection AddHitHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    internal static void MapHitHealth(this IEndpointRouteBuilder app)
    {
        // Liveness answers without touching dependencies: a slow database must not get the process restarted.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false })
            .WithName("Healthz")
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = HealthResponseWriter.WriteAsync,
        })
            .WithName("Readyz")
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
    }

    /// <summary>
    /// The Functions host polls <c>GET /</c> until the handler answers (any status counts) and later pings it.
    /// It is not a function: the host talks to the handler directly, so it stays out of the manifest.
    /// Apps that own <c>GET /</c> (the directory's service information) replace it by mapping their own.
    /// </summary>
    internal static void MapHostProbe(this IEndpointRouteBuilder app) =>
        app.MapGet("/", () => TypedResults.Ok())
            .WithMetadata(NotAFunction.Instance)
            .WithOrder(int.MaxValue)
            .ExcludeFromDescription();
}
