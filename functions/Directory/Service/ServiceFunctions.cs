using System.Diagnostics;
using System.Net;
using System.Reflection;
using Hit.Contracts.Directory;
using Hit.Directory.Envelope;
using Hit.Directory.Signing;
using Hit.Platform.Auth.Hmac;
using Hit.Platform.Cosmos;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Directory.Service;

/// <summary>When this instance started (for <c>uptime_seconds</c>).</summary>
internal sealed class ServiceClock(TimeProvider time)
{
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}

/// <summary><c>GET /</c> (service information) and <c>GET /health</c> — public, unsigned.</summary>
internal static partial class ServiceFunctions
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

    public static IServiceCollection AddServiceInfo(this IServiceCollection services)
    {
        services.AddSingleton<ServiceClock>();
        return services;
    }

    public static IEndpointRouteBuilder MapServiceFunctions(this IEndpointRouteBuilder app)
    {
        // The app owns GET /: it replaces the platform's host probe (any answer satisfies the host).
        app.MapGet("/", GetServiceInfo).WithName(nameof(GetServiceInfo)).WithTags("Service").WithSummary("What this service is and where its documentation lives.");
        app.MapGet("/health", GetHealth).WithName(nameof(GetHealth)).WithTags("Service").WithSummary("Status, version, database connectivity and uptime.")
            .Produces<DirectoryResponse<DirectoryHealth>>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static Ok<DirectoryResponse<ServiceInfo>> GetServiceInfo(
        TenantNamespace ns, IOptionsMonitor<HmacAuthenticationOptions> hmac, IOptions<DirectoryOptions> directory)
    {
        var signing = hmac.Get(HmacAuthenticationExtensions.Scheme);
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

    internal static async Task<JsonHttpResult<DirectoryResponse<DirectoryHealth>>> GetHealth(
        HitContainer users, ServiceClock clock, TimeProvider time, ILogger<ServiceClock> logger, CancellationToken cancellationToken)
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
            Math.Round((now - clock.StartedAt).TotalSeconds, 3),
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
