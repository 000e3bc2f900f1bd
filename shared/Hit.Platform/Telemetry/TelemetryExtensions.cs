using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hit.Platform.Telemetry;

/// <summary>
/// OpenTelemetry wiring of the custom-handler apps. It predates OpenTelemetry.Extensions.Hosting restoring here (the
/// worker defaults, Worker/WorkerTelemetry, use it), so the providers are built with the core SDK and listen to the
/// activity sources and meters that ASP.NET Core, HttpClient and Azure.Core emit natively. Export is OTLP and only when an endpoint is configured
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), so local runs and tests pay nothing.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Activity source for the platform's own spans (trigger invocations, manifest generation).</summary>
    public const string ActivitySourceName = "Hit.Platform";

    internal static readonly System.Diagnostics.ActivitySource Source = new(ActivitySourceName);

    internal static readonly string[] Sources = [ActivitySourceName, "Hit.*", "Microsoft.AspNetCore", "System.Net.Http", "Azure.*"];
    internal static readonly string[] Meters = ["Hit.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    /// <summary>OTLP export is on only when an endpoint is configured, so local runs and tests pay nothing.</summary>
    internal static bool IsExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    internal static string ServiceName(IConfiguration configuration) =>
        configuration[$"{PlatformOptions.Section}:{nameof(PlatformOptions.ServiceName)}"]
            ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "hit-app";

    internal static void AddHitTelemetry(this WebApplicationBuilder builder)
    {
        if (!IsExportConfigured(builder.Configuration))
        {
            return;
        }

        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName(builder.Configuration));

        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(Sources)
            .AddOtlpExporter()
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter()
            .Build();

        // Registered as singletons so the container disposes (and flushes) them at shutdown.
        builder.Services.AddSingleton(tracer);
        builder.Services.AddSingleton(meter);
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.IncludeScopes = true;
            o.AddOtlpExporter();
        });
    }
}
