using System.Globalization;
using Hit.Directory.Envelope;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hit.Directory.Origins;

/// <summary>Origins allowed to call the directory (section <c>Directory:Origins</c>).</summary>
internal sealed class OriginOptions
{
    public const string Section = "Directory:Origins";

    /// <summary>The seed's list, used when none is configured.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowed = ["hackit.tw", "*.hackit.tw", "localhost", "127.0.0.1:*"];

    /// <summary>
    /// Patterns <c>host[:port]</c>: <c>*.</c> in front means any subdomain (not the apex); <c>:*</c> any port;
    /// no port means the scheme's default port (80/443) only. Empty = <see cref="DefaultAllowed"/>.
    /// </summary>
    public IList<string> Allowed { get; } = [];
}

/// <summary>One allow-list entry.</summary>
internal sealed record OriginPattern(string Host, bool AnySubdomain, int? Port, bool AnyPort)
{
    public static OriginPattern? Parse(string pattern)
    {
        var text = pattern.Trim().ToLowerInvariant();
        var anySubdomain = text.StartsWith("*.", StringComparison.Ordinal);
        if (anySubdomain)
        {
            text = text[2..];
        }

        int? port = null;
        var anyPort = false;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            var portText = text[(colon + 1)..];
            text = text[..colon];
            if (portText == "*")
            {
                anyPort = true;
            }
            else if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536)
            {
                port = p;
            }
            else
            {
                return null;
            }
        }

        return text.Length == 0 || text.Contains('*', StringComparison.Ordinal) || Uri.CheckHostName(text) == UriHostNameType.Unknown
            ? null
            : new OriginPattern(text, anySubdomain, port, anyPort);
    }

    public bool Matches(Uri origin)
    {
        var host = origin.IdnHost.ToLowerInvariant();
        var hostMatches = AnySubdomain ? host.EndsWith("." + Host, StringComparison.Ordinal) : host == Host;
        return hostMatches && (AnyPort || (Port is { } p ? origin.Port == p : origin.IsDefaultPort));
    }
}

/// <summary>
/// The domain allow-list. A browser request names its page in <c>Origin</c> (or, for simple requests from older
/// clients, only in <c>Referer</c>): one outside the list is refused with 403 <c>origin_forbidden</c>; one inside gets
/// CORS headers, and its preflight is answered here. Requests naming neither (servers, curl) pass: the signature is
/// what authenticates them.
/// </summary>
internal sealed class OriginAllowList
{
    private static readonly string AllowedMethods = "GET, POST, PUT, DELETE, OPTIONS";
    private static readonly string[] AllowedHeaders =
    [
        "content-type", "authorization", "x-api-timestamp", "x-api-signature", "x-api-signature-version", "x-api-nonce", "x-hit-namespace",
    ];

    private readonly OriginPattern[] _patterns;

    public OriginAllowList(IOptions<OriginOptions> options)
    {
        IEnumerable<string> configured = options.Value.Allowed.Count > 0 ? options.Value.Allowed : OriginOptions.DefaultAllowed;
        _patterns = [.. configured.Select(p => OriginPattern.Parse(p) ?? throw new OptionsValidationException(OriginOptions.Section, typeof(OriginOptions), [$"'{p}' is not a valid origin pattern."]))];
    }

    /// <summary>True when <paramref name="origin"/> (an absolute http(s) URL) is on the list.</summary>
    public bool IsAllowed(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && _patterns.Any(p => p.Matches(uri));

    /// <summary>
    /// Sets the CORS headers of an allowed origin on the response; returns the answer to send instead of running the
    /// function: 403 for a foreign origin, 204 for an allowed preflight. Null = carry on.
    /// </summary>
    public IResult? Check(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var source = origin.Length > 0 ? origin : context.Request.Headers.Referer.ToString();
        if (source.Length == 0)
        {
            return null;
        }

        if (!IsAllowed(source))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, DirectoryCodes.OriginForbidden,
                "Requests from this origin are not allowed.", field: origin.Length > 0 ? HeaderNames.Origin : HeaderNames.Referer);
        }

        if (origin.Length == 0)
        {
            return null;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = HeaderNames.Origin;
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
        {
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = string.Join(", ", AllowedHeaders);
            headers.AccessControlMaxAge = "600";
            return TypedResults.NoContent();
        }

        headers.AccessControlExposeHeaders = "Location";
        return null;
    }
}

/// <summary>The allow-list as worker middleware, so its refusals and preflight answers come back through the host.</summary>
internal sealed class OriginMiddleware(OriginAllowList allowList) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext()!;
        if (allowList.Check(http) is { } answer)
        {
            context.GetInvocationResult().Value = answer;
            return Task.CompletedTask;
        }

        return next(context);
    }
}

internal static class OriginAllowListExtensions
{
    public static IServiceCollection AddDirectoryOrigins(this IServiceCollection services)
    {
        services.AddOptions<OriginOptions>().BindConfiguration(OriginOptions.Section);
        services.AddSingleton<OriginAllowList>();
        return services;
    }

    /// <summary>Registers the allow-list for every HTTP invocation (pass it as <c>AddHitPlatform</c>'s first checks).</summary>
    public static FunctionsApplicationBuilder UseDirectoryOrigins(this FunctionsApplicationBuilder builder)
    {
        builder.UseWhen<OriginMiddleware>(context => context.GetHttpContext() is not null);
        return builder;
    }
}
