using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Errors;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Hosting;
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

/// <summary>
/// Policy names, which function each one guards, and the limiter setup. Limits are per instance (in memory): a bound,
/// not a global quota. The 429 comes from worker middleware, after the request is paired with its invocation (an
/// ASP.NET Core rate limiter would answer before that and leave the host's invocation waiting).
/// </summary>
internal static class AuthRateLimits
{
    public const string Login = "auth-login";
    public const string Register = "auth-register";
    public const string Refresh = "auth-refresh";
    public const string PasswordReset = "auth-password-reset";

    private static readonly FrozenDictionary<string, string> PolicyByFunction = new Dictionary<string, string>
    {
        ["Register"] = Register,
        ["TicketingSignUp"] = Register,
        ["Login"] = Login,
        ["TicketingSignIn"] = Login,
        ["Refresh"] = Refresh,
        ["ResendVerification"] = PasswordReset,
        ["ForgotPassword"] = PasswordReset,
        ["ResetPassword"] = PasswordReset,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string? PolicyFor(string functionName) => PolicyByFunction.GetValueOrDefault(functionName);

    /// <summary>The options, the limiters and the worker middleware that applies them to the guarded functions.</summary>
    public static FunctionsApplicationBuilder AddSafety(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section)
            .Validate(o => o.ForwardedForHops is >= 0 and <= 5, "Auth:RateLimits:ForwardedForHops must be 0–5.")
            .Validate(o => o.LoginPerMinute > 0 && o.RegisterPerMinute > 0 && o.RefreshPerMinute > 0 && o.PasswordResetPerMinute > 0,
                "Auth:RateLimits values must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthRateLimiter>();
        builder.UseWhen<AuthRateLimitMiddleware>(context => PolicyFor(context.FunctionDefinition.Name) is not null && context.GetHttpContext() is not null);
        return builder;
    }

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

    /// <summary>429 with <c>Retry-After</c>; the ticketing routes answer in their seed's shape.</summary>
    internal static IResult Rejected(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
        const string message = "Too many requests from this address; try again later.";
        return http.Request.Path.StartsWithSegments("/api/users", StringComparison.Ordinal)
            ? TypedResults.Json(new TicketingErrorResponse([new TicketingError(message)]), HitJsonContext.Default.TicketingErrorResponse,
                statusCode: StatusCodes.Status429TooManyRequests)
            : Problems.Create(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyRequests, message);
    }
}

/// <summary>One fixed-window limiter per policy, partitioned by client address.</summary>
internal sealed class AuthRateLimiter : IDisposable
{
    private readonly FrozenDictionary<string, PartitionedRateLimiter<string>> _limiters;

    public AuthRateLimiter(IOptions<AuthRateLimitOptions> options)
    {
        var o = options.Value;
        _limiters = new Dictionary<string, PartitionedRateLimiter<string>>
        {
            [AuthRateLimits.Login] = Create(o.LoginPerMinute),
            [AuthRateLimits.Register] = Create(o.RegisterPerMinute),
            [AuthRateLimits.Refresh] = Create(o.RefreshPerMinute),
            [AuthRateLimits.PasswordReset] = Create(o.PasswordResetPerMinute),
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Takes a permit; null when granted, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string policy, string client)
    {
        using var lease = _limiters[policy].AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    private static PartitionedRateLimiter<string> Create(int permits) =>
        PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}

internal sealed class AuthRateLimitMiddleware(AuthRateLimiter limiter, IOptions<AuthRateLimitOptions> options) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext()!;
        var policy = AuthRateLimits.PolicyFor(context.FunctionDefinition.Name)!;
        if (limiter.TryAcquire(policy, AuthRateLimits.ClientAddress(http, options.Value)) is { } wait)
        {
            // Answered like a function's return value: the ASP.NET Core integration writes the invocation result.
            context.GetInvocationResult().Value = AuthRateLimits.Rejected(http, wait);
            return Task.CompletedTask;
        }

        return next(context);
    }
}

internal static class RetryAfter
{
    /// <summary>Whole seconds, rounded up, at least 1 (RFC 9110 delay-seconds).</summary>
    public static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
