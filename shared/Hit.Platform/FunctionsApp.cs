using Hit.Platform.Errors;
using Hit.Platform.Health;
using Hit.Platform.Hosting;
using Hit.Platform.Manifest;
using Hit.Platform.Telemetry;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hit.Platform;

/// <summary>
/// Entry point of every Hit function app. An app is a plain ASP.NET Core minimal-API application that the Azure
/// Functions host runs as a custom handler; this builder applies the platform defaults (JSON, ProblemDetails,
/// tenancy, health, OpenAPI, telemetry) and, when started with <c>--hit-manifest &lt;dir&gt;</c>, turns the app into
/// a generator of its own Functions app root (function.json per endpoint + host.json) instead of a server.
/// </summary>
public static class FunctionsApp
{
    /// <summary>Creates a <see cref="WebApplicationBuilder"/> with the platform defaults applied.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var manifest = ManifestRequest.FromArgs(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = manifest?.RemainingArgs ?? args,
        });

        builder.Services.AddHitPlatformOptions();
        builder.Services.Configure<JsonOptions>(o => PlatformJson.Configure(o.SerializerOptions));

        builder.Services.AddHitProblemDetails();
        // Schemes are added by the features that need them (Hit access tokens, HMAC signatures); the pipeline
        // always authenticates before tenancy so an authenticated caller's `ns` claim decides the namespace.
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddHitTenancy();
        builder.Services.AddHitHealth();
        builder.Services.AddOpenApi();
        builder.AddHitTelemetry();
        builder.Services.AddSingleton<Triggers.TriggerInvoker>();

        if (manifest is not null)
        {
            // Manifest mode: no sockets, no dependency checks. Options validation is for serving, not for
            // describing, so a build machine needs no app settings; TryAdd in ValidateOnStart keeps ours.
            builder.Services.AddSingleton(manifest);
            builder.Services.Replace(ServiceDescriptor.Singleton<IServer, ManifestServer>());
            builder.Services.Replace(ServiceDescriptor.Singleton<IStartupValidator, NoStartupValidation>());
            builder.Services.RemoveAll<IHostedService>();
        }

        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        return builder;
    }

    /// <summary>
    /// Adds the platform middleware and endpoints every app serves: ProblemDetails for every error,
    /// namespace resolution, <c>GET /</c> for the host's readiness probe, <c>/healthz</c>, <c>/readyz</c> and the
    /// OpenAPI document. Call it once, right after <c>builder.Build()</c>.
    /// </summary>
    public static WebApplication UseHitPlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseHitTenancy();

        app.MapHostProbe();
        app.MapHitHealth();
        app.MapOpenApi("/openapi/v1.json").WithName("OpenApiDocument");
        return app;
    }
}

/// <summary>Keeps start-up validation out of manifest mode (a build machine has no app settings).</summary>
internal sealed class NoStartupValidation : IStartupValidator
{
    public void Validate()
    {
    }
}
