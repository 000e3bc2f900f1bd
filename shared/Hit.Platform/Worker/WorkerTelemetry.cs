using System.Reflection;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hit.Platform.Worker;

internal static class WorkerTelemetry
{
    /// <summary>The activity sources and meters exported: the platform's and apps' own, plus what ASP.NET Core, HttpClient and Azure.Core emit natively.</summary>
    internal static readonly string[] Sources = ["Hit.*", "Microsoft.AspNetCore", "System.Net.Http", "Azure.*"];
    internal static readonly string[] Meters = ["Hit.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    /// <summary>
    /// OpenTelemetry through <c>OpenTelemetry.Extensions.Hosting</c>, exported over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, so local runs and tests pay nothing. <c>UseFunctionsWorkerDefaults</c>
    /// adds the worker's invocation spans and the Functions resource attributes, and tells the host to stop emitting
    /// the same telemetry on the worker's behalf — which is only right when this process exports, hence the condition.
    /// </summary>
    public static void AddHitWorkerTelemetry(this FunctionsApplicationBuilder builder)
    {
        if (!IsExportConfigured(builder.Configuration))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .ConfigureResource(resource => resource.AddService(ServiceName(builder.Configuration)))
            .WithTracing(tracing => tracing.AddSource(Sources))
            .WithMetrics(metrics => metrics.AddMeter(Meters))
            .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeScopes = true)
            .UseOtlpExporter();
    }

    internal static bool IsExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    internal static string ServiceName(IConfiguration configuration) =>
        configuration[$"{PlatformOptions.Section}:{nameof(PlatformOptions.ServiceName)}"]
            ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "hit-app";
}
