using System.Diagnostics;
using System.Net;
using System.Reflection;
using Hit.Contracts.Directory;
using Hit.Directory.Envelope;
using Hit.Directory.Signing;
using Hit.Platform.Auth.Hmac;
using Hit.Platform.Cosmos;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Directory.Service;

/// <summary>
/// When this instance started (for <c>uptime_seconds</c>): the worker process's start, read from the OS. A time taken
/// when this class or a function class is first created would be the first health request's time, not the start.
/// </summary>
internal static class ServiceClock
{
    private static readonly DateTimeOffset ProcessStartedAt = ReadProcessStart();

    /// <summary>
    /// Real elapsed time since the process started, never negative. Taken from the system clock, not the app's
    /// <see cref="TimeProvider"/>: the OS reports the start in system time, and a shifted test clock must not shift it.
    /// </summary>
    public static TimeSpan Uptime(DateTimeOffset now) => now > ProcessStartedAt ? now - ProcessStartedAt : TimeSpan.Zero;

    private static DateTimeOffset ReadProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }
}

/// <summary><c>GET /</c> (service information) and <c>GET /health</c> — public, unsigned.</summary>
internal sealed partial class ServiceFunctions(
    IOptions<HmacAuthenticationOptions> hmac, IOptions<DirectoryOptions> directory, HitContainer users, TimeProvider time,
    ILogger<ServiceFunctions> logger)
{
    public const string Name = "HackIt Directory";

    // A health probe must answer even when the database hangs.
    private static readonly TimeSpan DatabaseProbeTimeout = TimeSpan.FromSeconds(5);

    public static string Version { get; } =
        typeof(ServiceFunctions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly string[] Endpoints =
    [
        "POST /users/", "GET /users/", "GET /users/{id}", "GET /users/email/{email}", "GET /users/discord/{user_id}/{guild_id}",
        "PUT /users/{id}", "DELETE /users/{id}", "POST /users/query", "GET /health", "GET /",
    ];

    /// <summary>
    /// What this service is and where its documentation lives. The route matches only the empty path (the host has no
    /// empty route template); the app owns <c>GET /</c>.
    /// </summary>
    [Function(nameof(GetServiceInfo))]
    public Ok<DirectoryResponse<ServiceInfo>> GetServiceInfo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{ignored:maxlength(0)?}")] HttpRequest request, TenantNamespace ns)
    {
        var signing = hmac.Value;
        return DirectoryEnvelope.Ok(new ServiceInfo(
            Name,
            "The HackIt user directory: registration, lookups by e-mail and Discord ids, queries. Requests to /users are HMAC-SHA256 signed.",
            Version,
            ns.Value,
            new ServiceDocumentation("docs", "redoc", "openapi/v1.json"),
            new ServiceAuthentication(
                directory.Value.RequireSignature ? "HMAC-SHA256" : "none",
                [RequestSignature.TimestampHeader, RequestSignature.SignatureHeader, RequestSignature.VersionHeader, RequestSignature.NonceHeader],
                signing.VersionsFor(ns.Value),
                signing.WindowSeconds),
            Endpoints));
    }

    /// <summary>Status, version, database connectivity and uptime; 503 when the database is down.</summary>
    [Function(nameof(GetHealth))]
    public async Task<JsonHttpResult<DirectoryResponse<DirectoryHealth>>> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        string? failure = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseProbeTimeout);
        try
        {
            var container = await users.GetContainerAsync(timeout.Token);
            await container.ReadContainerAsync(cancellationToken: timeout.Token);
        }
        catch (CosmosException ex)
        {
            failure = $"The database answered {(int)ex.StatusCode}.";
            Log.DatabaseUnhealthy(logger, ex);
        }
        catch (HttpRequestException ex)
        {
            failure = "The database is unreachable.";
            Log.DatabaseUnhealthy(logger, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"The database did not answer within {DatabaseProbeTimeout.TotalSeconds} s.";
            Log.DatabaseUnhealthy(logger, ex);
        }

        var latency = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
        var now = time.GetUtcNow();
        var health = new DirectoryHealth(
            failure is null ? "healthy" : "unhealthy",
            Version,
            new DatabaseHealth(failure is null ? "connected" : "disconnected", latency, failure),
            Math.Round(ServiceClock.Uptime(DateTimeOffset.UtcNow).TotalSeconds, 3),
            now);
        return failure is null
            ? TypedResults.Json(new DirectoryResponse<DirectoryHealth> { Success = true, Data = health }, statusCode: (int)HttpStatusCode.OK)
            : TypedResults.Json(new DirectoryResponse<DirectoryHealth>
            {
                Success = false,
                Data = health,
                Error = new DirectoryError(DirectoryCodes.DatabaseUnavailable, failure),
            }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Health probe: the database is not available")]
        public static partial void DatabaseUnhealthy(ILogger logger, Exception exception);
    }
}

internal static class ServiceInfoServices
{
    public static IServiceCollection AddServiceInfo(this IServiceCollection services)
    {
        return services;
    }
}
