using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Safety;

/// <summary>Per-IP limits (fixed windows of one minute) for the endpoints attackers hammer (section <c>Auth:RateLimits</c>).</summary>
internal sealed class AuthRateLimitOptions
{
    public const string Section = "Auth:RateLimits";

    public int LoginPerMinute { get; set; } = 20;

    public int RegisterPerMinute { get; set; } = 10;

    public int RefreshPerMinute { get; set; } = 60;

    public int PasswordResetPerMinute { get; set; } = 5;

    /// <summary>
    /// How many proxies in front of the app append to <c>X-Forwarded-For</c> (API Management + the Functions front
    /// end = 2). The client is the entry that many places from the right: entries further left are whatever the
    /// caller sent and cannot be trusted. 0 = use the socket address (direct exposure, or the local gateway).
    /// </summary>
    public int ForwardedForHops { get; set; }
}

/// <summary>Policy names and the limiter setup. Limits are per instance (in memory): a bound, not a global quota.</summary>
internal static class AuthRateLimits
{
    public const string Login = "auth-login";
    public const string Register = "auth-register";
    public const string Refresh = "auth-refresh";
    public const string PasswordReset = "auth-password-reset";

    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services)
    {
        services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section)
            .Validate(o => o.ForwardedForHops is >= 0 and <= 5, "Auth:RateLimits:ForwardedForHops must be 0–5.")
            .Validate(o => o.LoginPerMinute > 0 && o.RegisterPerMinute > 0 && o.RefreshPerMinute > 0 && o.PasswordResetPerMinute > 0,
                "Auth:RateLimits values must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            Add(limiter, Login, o => o.LoginPerMinute);
            Add(limiter, Register, o => o.RegisterPerMinute);
            Add(limiter, Refresh, o => o.RefreshPerMinute);
            Add(limiter, PasswordReset, o => o.PasswordResetPerMinute);
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static void Add(RateLimiterOptions limiter, string policy, Func<AuthRateLimitOptions, int> permits) =>
        limiter.AddPolicy(policy, http =>
        {
            var options = http.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http, options), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits(options),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    internal static string ClientAddress(HttpContext http, AuthRateLimitOptions options)
    {
        if (options.ForwardedForHops > 0)
        {
            var entries = http.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (entries.Length >= options.ForwardedForHops && IPAddress.TryParse(entries[^options.ForwardedForHops], out var address))
            {
                return address.ToString();
            }
        }

        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
        const string message = "Too many requests from this address; try again later.";
        if (http.Request.Path.StartsWithSegments("/api/users", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await http.Response.WriteAsJsonAsync(new TicketingErrorResponse([new TicketingError(message)]),
                HitJsonContext.Default.TicketingErrorResponse, cancellationToken: cancellationToken);
            return;
        }

        await Problems.Write(http, StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyRequests, message);
    }
}

internal static class RetryAfter
{
    /// <summary>Whole seconds, rounded up, at least 1 (RFC 9110 delay-seconds).</summary>
    public static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
