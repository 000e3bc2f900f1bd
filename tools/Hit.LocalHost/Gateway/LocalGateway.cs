using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Gateway;

/// <summary>
/// One loopback port in front of several local hosts: <c>/&lt;app&gt;/&lt;rest&gt;</c> is streamed to that app's
/// host as <c>/&lt;rest&gt;</c> with the query preserved (API Management plays this part on Azure).
/// <c>GET /</c> lists the apps; an unknown app is 404. A worker-app host in the same process is not proxied to: the
/// gateway runs that host's own pipeline on the request (same routing, invocation and proxying to the worker), which
/// saves a loopback HTTP hop per request.
/// </summary>
public sealed partial class LocalGateway : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _apps = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, RequestDelegate> _inProcess = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpForwarder _forwarder = new();
    private readonly ILogger _logger;
    private readonly WebApplication _web;

    public LocalGateway(LocalGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = options.Logger;
        _web = LoopbackServer.Create(options.Port, AppContext.BaseDirectory);
        _web.Run(HandleAsync);
    }

    /// <summary>The gateway address, valid after <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Routes <c>/<paramref name="name"/>/…</c> to <paramref name="hostAddress"/>.</summary>
    public void AddApp(string name, Uri hostAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(hostAddress);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("An app name is one path segment.", nameof(name));
        }

        _apps[name] = hostAddress;
        Log.AppAdded(_logger, name, hostAddress);
    }

    /// <summary>Routes <c>/&lt;AppName&gt;/…</c> to a started host, running its HTTP pipeline in-process.</summary>
    public void AddApp(LocalFunctionsHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        AddApp(host.AppName, host.BaseAddress);
        if (host.InProcessPipeline is { } pipeline)
        {
            _inProcess[host.AppName] = pipeline;
        }
    }

    public bool RemoveApp(string name)
    {
        _inProcess.TryRemove(name, out _);
        return _apps.TryRemove(name, out _);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        BaseAddress = LoopbackServer.GetAddress(_web);
        Log.Started(_logger, BaseAddress);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/" or "")
        {
            await WriteIndexAsync(context).ConfigureAwait(false);
            return;
        }

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();

        // Split "/<app>/<rest>?query" on the raw target so the rest keeps its original encoding.
        var end = target.IndexOfAny(['/', '?'], 1);
        var appSegment = Uri.UnescapeDataString(end < 0 ? target[1..] : target[1..end]);
        if (!_apps.TryGetValue(appSegment, out var destination))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var rest = end < 0 ? "/" : target[end] == '?' ? "/" + target[end..] : target[end..];
        var prefix = end < 0 ? target : target[..end];
        if (_inProcess.TryGetValue(appSegment, out var pipeline))
        {
            // What the host would have seen over HTTP: the rest as path and raw target, the prefix as a header.
            var query = rest.IndexOf('?', StringComparison.Ordinal);
            var restPath = query < 0 ? rest : rest[..query];
            context.Request.PathBase = PathString.Empty;
            context.Request.Path = PathString.FromUriComponent(restPath);
            if (context.Features.Get<IHttpRequestFeature>() is { } requestFeature)
            {
                requestFeature.RawTarget = rest;
            }

            context.Request.Headers["X-Forwarded-Prefix"] = prefix;
            await pipeline(context).ConfigureAwait(false);
            return;
        }

        await _forwarder.ForwardAsync(context, destination, rest,
            // Lets an app build links that include the app segment it never sees in its path. Replaced, not appended:
            // a client-sent value must not reach the app's links (API Management's policy overrides it the same way).
            request =>
            {
                request.Headers.Remove("X-Forwarded-Prefix");
                request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
            },
            context.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteIndexAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var apps = new JsonArray();
        foreach (var name in _apps.Keys.Order(StringComparer.OrdinalIgnoreCase))
        {
            apps.Add((JsonNode)new JsonObject
            {
                ["name"] = name,
                ["url"] = new Uri(BaseAddress, Uri.EscapeDataString(name) + "/").AbsoluteUri,
                ["host"] = _apps[name].AbsoluteUri,
            });
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        new JsonObject { ["apps"] = apps }.WriteTo(writer);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Information, "Gateway: /{AppName}/ → {HostAddress}")]
        public static partial void AppAdded(ILogger logger, string appName, Uri hostAddress);

        [LoggerMessage(201, LogLevel.Information, "Gateway listening on {Address}")]
        public static partial void Started(ILogger logger, Uri address);
    }
}
