using System.Text.Json.Nodes;
using Hit.Platform.Manifest;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Hosting;

/// <summary>
/// Stands in for Kestrel in manifest mode: when the app "starts", the endpoint table is complete, so it is written
/// out as a Functions app root and the app stops. Opening no socket keeps <c>hit build</c> safe to run anywhere.
/// </summary>
internal sealed partial class ManifestServer(
    ManifestRequest request,
    EndpointDataSource endpoints,
    IHostApplicationLifetime lifetime,
    ILogger<ManifestServer> logger) : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        var functions = FunctionManifest.Build(endpoints.Endpoints);
        FunctionManifest.Write(request.OutputDirectory, functions);

        var root = request.HostJsonPath is { } path && File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FunctionManifestException($"{path} is not a JSON object.")
            : new JsonObject { ["version"] = "2.0" };
        var host = FunctionManifest.HostJson(root, request.Executable, request.WorkingDirectory);
        File.WriteAllText(Path.Combine(request.OutputDirectory, "host.json"), host.ToJsonString(FunctionManifest.Indented) + "\n");

        Log.ManifestWritten(logger, functions.Count, request.OutputDirectory);
        lifetime.StopApplication();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Wrote {FunctionCount} functions and host.json to {AppRoot}")]
        public static partial void ManifestWritten(ILogger logger, int functionCount, string appRoot);
    }
}
