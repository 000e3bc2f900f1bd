using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Hit.LocalHost.Http;

/// <summary>
/// A small streaming reverse proxy: the request body and the response body are copied as streams, never buffered,
/// over one pooled connection set per destination. Written when YARP was not served; Yarp.ReverseProxy 2.3.0 now is,
/// and its IHttpForwarder is the candidate to replace this class (the conformance tests in tests/Hit.LocalHost.Tests
/// pin the behaviour either must keep: hop-by-hop fields, chunked bodies, 100-continue, X-Forwarded-Prefix).
/// </summary>
internal sealed class HttpForwarder : IDisposable
{
    // RFC 9110 §7.6.1 connection-specific fields. Expect is answered by Kestrel on the client side already;
    // passing it on would make HttpClient wait for a second 100-continue.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
    };

    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
        "Content-Location", "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified",
    };

    private readonly HttpMessageInvoker _invoker;

    public HttpForwarder()
        : this(CreateHandler())
    {
    }

    public HttpForwarder(HttpMessageHandler handler)
    {
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker => _invoker;

    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = int.MaxValue,
        // The client's own traceparent is forwarded as a header; no second diagnostics hop is added.
        ActivityHeadersPropagator = null,
    };

    /// <summary>
    /// Forwards <paramref name="context"/> to <paramref name="destination"/> + <paramref name="pathAndQuery"/>;
    /// answers 502 when the destination cannot be reached before the response started. Returns whether the
    /// destination answered.
    /// </summary>
    public async Task<bool> ForwardAsync(HttpContext context, Uri destination, string pathAndQuery, Action<HttpRequestMessage>? decorate, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(context, destination, pathAndQuery);
        decorate?.Invoke(request);

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return false;
        }

        using (response)
        {
            var outgoing = context.Response;
            outgoing.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response.Headers, outgoing.Headers);
            CopyResponseHeaders(response.Content.Headers, outgoing.Headers);

            // Kestrel would otherwise pick chunked/length itself; keep the handler's framing choice where it gave a length.
            if (response.Content.Headers.ContentLength is { } length)
            {
                outgoing.ContentLength = length;
            }

            var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                // CopyToAsync writes each chunk as it arrives; Kestrel's response stream flushes every write,
                // so server-sent or slowly produced bodies stream through.
                await source.CopyToAsync(outgoing.Body, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, Uri destination, string pathAndQuery)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), new Uri(destination, pathAndQuery))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? incoming.ContentLength > 0;
        if (canHaveBody)
        {
            request.Content = new StreamContent(incoming.Body, 81920);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Single values (the common case) avoid boxing an enumerator per header.
            System.Net.Http.Headers.HttpHeaders? target = ContentHeaders.Contains(name) ? request.Content?.Headers : request.Headers;
            if (target is null)
            {
                continue;
            }

            if (values.Count == 1)
            {
                target.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                target.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        // The handler sees the address the client used (links, redirects, OAuth callbacks built from Host).
        if (incoming.Host.HasValue)
        {
            request.Headers.Host = incoming.Host.Value;
        }

        return request;
    }

    private static void CopyResponseHeaders(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary target)
    {
        foreach (var (name, values) in source.NonValidated)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
        }
    }

    public void Dispose() => _invoker.Dispose();
}
