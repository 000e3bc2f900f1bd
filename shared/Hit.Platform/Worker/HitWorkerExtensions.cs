using Hit.Platform.Errors;
using Hit.Platform.Health;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hit.Platform.Worker;

/// <summary>Platform defaults for an Azure Functions isolated-worker app with ASP.NET Core integration.</summary>
public static class HitWorkerExtensions
{
    /// <summary>
    /// ASP.NET Core integration; <c>Hit.Contracts</c>' JSON context first for <c>IResult</c> and <c>IActionResult</c>;
    /// ProblemDetails with a stable <c>code</c>; <see cref="PlatformOptions"/> validated on start; Hit access tokens
    /// (JwtBearer over the auth app's JWKS); the request namespace as a <see cref="Tenancy.TenantNamespace"/>
    /// function parameter; health checks behind the <c>Healthz</c>/<c>Readyz</c> functions; OpenTelemetry when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Call it right after <c>FunctionsApplication.CreateBuilder</c>.
    /// </summary>
    public static FunctionsApplicationBuilder AddHitPlatform(this FunctionsApplicationBuilder builder) => builder.AddHitPlatform(firstChecks: null);

    /// <summary>
    /// <see cref="AddHitPlatform(FunctionsApplicationBuilder)"/>, with <paramref name="firstChecks"/> registering the
    /// app's own worker middleware ahead of the platform's per-request checks (token, namespace) but inside the
    /// exception handling — for checks that must answer before anything else, such as an origin allow-list whose
    /// CORS headers have to reach the platform's refusals too.
    /// </summary>
    public static FunctionsApplicationBuilder AddHitPlatform(this FunctionsApplicationBuilder builder, Action<FunctionsApplicationBuilder>? firstChecks)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Registers the worker middleware that pairs each invocation with its HTTP request; ours must come after it.
        builder.ConfigureFunctionsWebApplication();

        builder.Services.AddHitPlatformOptions();
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => PlatformJson.Configure(o.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => PlatformJson.Configure(o.JsonSerializerOptions));
        builder.Services.AddHitProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.AddHitJwtBearer();
        builder.Services.Configure<WorkerOptions>(o => o.InputConverters.RegisterAt<TenantNamespaceConverter>(0));
        builder.AddHitWorkerTelemetry();

        // Worker middleware, outermost first. It is worker middleware rather than ASP.NET Core middleware because an
        // ASP.NET Core middleware that answers early (401, 400) runs before the request is paired with its invocation,
        // which then waits for a request that never arrives and fails after a timeout.
        builder.UseWhen<WorkerExceptionMiddleware>(WorkerHttp.IsHttpInvocation);
        firstChecks?.Invoke(builder);
        builder.UseWhen<WorkerBodyLimitMiddleware>(WorkerHttp.IsHttpInvocation);
        builder.UseWhen<WorkerAuthenticationMiddleware>(WorkerHttp.IsHttpInvocation);
        builder.UseWhen<WorkerTenancyMiddleware>(WorkerHttp.IsHttpInvocation);
        return builder;
    }
}
