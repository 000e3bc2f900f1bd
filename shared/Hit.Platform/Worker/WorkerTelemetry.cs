using Hit.Platform.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hit.Platform.Worker;

internal static class WorkerTelemetry
{
    /// <summary>
    /// OpenTelemetry through <c>OpenTelemetry.Extensions.Hosting</c>, exported over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (as for the custom-handler apps). <c>UseFunctionsWorkerDefaults</c>
    /// adds the worker's invocation spans and the Functions resource attributes, and tells the host to stop emitting
    /// the same telemetry on the worker's behalf — which is only right when this process exports, hence the condition.
    /// </summary>
    public static void AddHitWorkerTelemetry(this FunctionsApplicationBuilder builder)
    {
        if (!TelemetryExtensions.IsExportConfigured(builder.Configuration))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .ConfigureResource(resource => resource.AddService(TelemetryExtensions.ServiceName(builder.Configuration)))
            .WithTracing(tracing => tracing.AddSource(TelemetryExtensions.Sources))
            .WithMetrics(metrics => metrics.AddMeter(TelemetryExtensions.Meters))
            .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeScopes = true)
            .UseOtlpExporter();
    }
}
