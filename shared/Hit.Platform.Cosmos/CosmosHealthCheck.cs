using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Cosmos;

/// <summary>
/// Readiness: every declared container can be read (and, locally, created). Liveness must not use it,
/// or a Cosmos outage would get healthy instances restarted.
/// </summary>
internal sealed partial class CosmosHealthCheck(IEnumerable<HitContainer> containers, ILogger<CosmosHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var checkedNames = new List<string>();
        foreach (var hitContainer in containers)
        {
            try
            {
                var container = await hitContainer.GetContainerAsync(cancellationToken).ConfigureAwait(false);
                await container.ReadContainerAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                checkedNames.Add(hitContainer.Name);
            }
            catch (CosmosException ex)
            {
                Log.ContainerUnavailable(logger, hitContainer.DatabaseName, hitContainer.Name, (int)ex.StatusCode, ex);
                return HealthCheckResult.Unhealthy($"Cosmos container '{hitContainer.Name}' is not readable ({(int)ex.StatusCode}).", ex);
            }
            catch (HttpRequestException ex)
            {
                Log.ContainerUnavailable(logger, hitContainer.DatabaseName, hitContainer.Name, 0, ex);
                return HealthCheckResult.Unhealthy($"Cosmos endpoint is unreachable for container '{hitContainer.Name}'.", ex);
            }
        }

        return HealthCheckResult.Healthy($"Cosmos containers readable: {string.Join(", ", checkedNames)}");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Cosmos readiness failed for {Database}/{Container} (status {StatusCode})")]
        public static partial void ContainerUnavailable(ILogger logger, string database, string container, int statusCode, Exception exception);
    }
}
