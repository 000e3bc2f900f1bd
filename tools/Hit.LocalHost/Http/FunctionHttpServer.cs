using Hit.LocalHost.AppModel;
using Hit.LocalHost.Handler;
using Hit.LocalHost.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Http;

/// <summary>
/// The host's HTTP front end: serves exactly the routes and methods declared by httpTrigger bindings
/// (routePrefix applied) and answers 404 for everything else, including a declared route with another method.
/// </summary>
internal sealed partial class FunctionHttpServer : IAsyncDisposable
{
    private readonly AppRoot _app;
    private readonly HandlerSupervisor _handler;
    private readonly HttpForwarder _forwarder;
    private readonly InvocationClient _invoker;
    private readonly OutputBinder _outputs;
    private readonly ILogger _logger;
    private readonly WebApplication _web;

    public FunctionHttpServer(AppRoot app, int port, HandlerSupervisor handler, HttpForwarder forwarder, InvocationClient invoker, OutputBinder outputs, ILogger logger)
    {
        _app = app;
        _handler = handler;
        _forwarder = forwarder;
        _invoker = invoker;
        _outputs = outputs;
        _logger = logger;
        _web = LoopbackServer.Create(port, app.RootPath);
        MapFunctions();
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<string> Routes { get; private set; } = [];

    private void MapFunctions()
    {
        var routes = new List<string>();
        foreach (var function in _app.Functions.Where(f => !f.Disabled))
        {
            var trigger = function.Bindings.FirstOrDefault(b => b.Is("httpTrigger"));
            if (trigger is null)
            {
                continue;
            }

            var pattern = RoutePattern(_app.Host.RoutePrefix, trigger.Get("route") ?? function.Name);
            var methods = trigger.Raw.GetStrings("methods").Select(m => m.ToUpperInvariant()).ToArray();
            var forward = _app.Host.EnableForwardingHttpRequest && function.IsHttpInAndOut;
            RequestDelegate handler = forward
                ? context => ForwardAsync(context)
                : context => InvokeAsync(context, function);
            var endpoint = methods.Length == 0 ? _web.Map(pattern, handler) : _web.MapMethods(pattern, methods, handler);
            endpoint.WithDisplayName(function.Name);
            routes.Add($"{(methods.Length == 0 ? "*" : string.Join(',', methods))} /{pattern}");
            Log.RouteMapped(_logger, function.Name, methods.Length == 0 ? "*" : string.Join(',', methods), "/" + pattern, forward ? "forwarded" : "json");
        }

        // A catch-all with the lowest priority turns both unknown paths and known paths with an
        // undeclared method into 404 (the routing 405 endpoint only appears when no candidate is left).
        _web.Map("{**unmatched}", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }).WithOrder(int.MaxValue).WithDisplayName("404");
        Routes = routes;
    }

    internal static string RoutePattern(string routePrefix, string route)
    {
        var prefix = routePrefix.Trim('/');
        var path = route.Trim('/');
        return prefix.Length == 0 ? path : path.Length == 0 ? prefix : prefix + "/" + path;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        BaseAddress = LoopbackServer.GetAddress(_web);
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var ready = _handler.Ready;
        if (!ready.IsCompletedSuccessfully && !await WaitForHandlerAsync(context, ready).ConfigureAwait(false))
        {
            return;
        }

        // The original absolute path and query as received (reference §3b), encoding untouched.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathAndQuery = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        await _forwarder.ForwardAsync(context, _handler.BaseAddress, pathAndQuery, static request =>
        {
            // HttpClient only adds a default User-Agent when the request has none, so the client's wins.
            HostHeaders.Add(request.Headers, Guid.NewGuid().ToString(), addUserAgent: !request.Headers.Contains("User-Agent"));
        }, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task InvokeAsync(HttpContext context, FunctionDefinition function)
    {
        var ready = _handler.Ready;
        if (!ready.IsCompletedSuccessfully && !await WaitForHandlerAsync(context, ready).ConfigureAwait(false))
        {
            return;
        }

        var trigger = function.Bindings.First(b => b.Is("httpTrigger"));
        var (request, bindingData) = await HttpEnvelope.ReadRequestAsync(context, context.RequestAborted).ConfigureAwait(false);
        var utcNow = DateTime.UtcNow;
        var randGuid = Guid.NewGuid();
        var envelope = InvocationClient.Envelope(
            new System.Text.Json.Nodes.JsonObject { [trigger.Name] = request },
            bindingData.ToMetadata(function.Name, utcNow, randGuid));
        try
        {
            var result = await _invoker.InvokeAsync(function.Name, envelope, context.RequestAborted).ConfigureAwait(false);
            await _outputs.ApplyAsync(function, result, bindingData, utcNow, randGuid, context.RequestAborted).ConfigureAwait(false);
            var httpOut = function.Bindings.FirstOrDefault(b => b.Is("http") && b.IsOut);
            await HttpEnvelope.WriteResponseAsync(context, httpOut is null ? null : result.GetOutput(httpOut.Name), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvocationFailedException || Storage.StorageErrors.IsRecoverable(ex))
        {
            Log.InvocationFailed(_logger, function.Name, ex);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    private static async Task<bool> WaitForHandlerAsync(HttpContext context, Task ready)
    {
        try
        {
            await ready.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "{FunctionName}: [{Methods}] http://host{Route} ({Mode})")]
        public static partial void RouteMapped(ILogger logger, string functionName, string methods, string route, string mode);

        [LoggerMessage(41, LogLevel.Error, "{FunctionName}: HTTP invocation failed")]
        public static partial void InvocationFailed(ILogger logger, string functionName, Exception exception);
    }
}
