using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Hit.Platform.Http;

/// <summary>
/// Where a client reaches this app: behind the gateway (the local one, or API Management in Azure) every app lives
/// under <c>/&lt;app&gt;/</c>, which the app never sees in its path — the gateway sends it as
/// <c>X-Forwarded-Prefix</c>. Links the app hands out (<c>Location</c>, OpenAPI <c>servers</c>) start with it, so
/// following them goes back through the gateway. Links stay relative (no scheme or host): the prefix is the only part
/// the app cannot know, and a host taken from request headers could be spoofed into a link.
/// The worker's ASP.NET Core integration runs the forwarded-headers middleware for <c>X-Forwarded-Prefix</c> from
/// its host (loopback), which moves the header into <c>PathBase</c>; either is read here.
/// </summary>
public static partial class PublicAddress
{
    public const string PrefixHeader = "X-Forwarded-Prefix";

    /// <summary>
    /// The gateway prefix (<c>/files</c>), or empty when the request came straight to the app. A malformed value
    /// (not path segments, over 200 characters) is ignored rather than copied into links.
    /// </summary>
    public static string Prefix(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.PathBase.HasValue ? request.PathBase.ToUriComponent() : request.Headers[PrefixHeader].ToString();
        // A chain of proxies may list several; the first is the outermost, the one the client called.
        var first = value.Split(',', 2)[0].Trim().TrimEnd('/');
        return first.Length is > 0 and <= 200 && PrefixRegex().IsMatch(first) ? first : "";
    }

    /// <summary>The client's path to <paramref name="appPath"/> (a path of this app, starting with '/').</summary>
    public static string PathFor(HttpRequest request, string appPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(appPath);
        if (appPath[0] != '/')
        {
            throw new ArgumentException("An app path starts with '/'.", nameof(appPath));
        }

        return Prefix(request) + appPath;
    }

    [GeneratedRegex(@"^(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixRegex();
}
