using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Http;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// The host's HTTP front end for a worker app: endpoint routing over the httpTrigger routes (route prefix, inline
/// constraints, methods), each request proxied to the worker's <c>HttpUri</c> with <c>x-ms-invocation-id</c> while the
/// matching InvocationRequest goes over gRPC — the two halves the worker pairs up. Also serves the Event Grid blob
/// webhook, <c>POST /runtime/webhooks/blobs</c>.
/// </summary>
internal sealed partial class WorkerHttpServer : IAsyncDisposable
{
    private readonly WorkerAppRoot _app;
    private readonly WorkerInvoker _invoker;
    private readonly HttpForwarder _forwarder;
    private readonly ILogger _logger;
    private readonly WebApplication _web;

    public WorkerHttpServer(WorkerAppRoot app, IReadOnlyList<WorkerFunction> functions, int port, WorkerInvoker invoker, HttpForwarder forwarder,
        Func<HttpContext, Task> blobWebhook, ILogger logger)
    {
        _app = app;
        _invoker = invoker;
        _forwarder = forwarder;
        _logger = logger;
        _web = LoopbackServer.Create(port, app.RootPath);
        // Explicit routing so the same pipeline can also run in-process for the gateway (see Pipeline).
        _web.UseRouting();
        // The Event Grid blob-trigger endpoint of the real host (BlobsExtensionConfigProvider, ?functionName=Host.Functions.<Name>).
        _web.MapPost("/runtime/webhooks/blobs", blobWebhook).WithDisplayName("blob webhook");
        Routes = MapFunctions(functions);
        _web.UseEndpoints(static _ => { });
        _pipeline = new Lazy<RequestDelegate>(() => ((IApplicationBuilder)_web).Build());
    }

    private readonly Lazy<RequestDelegate> _pipeline;

    /// <summary>
    /// The host's request pipeline (routing, proxying, invocation) as a delegate, so the gateway in the same process can
    /// run it on its own request instead of proxying to <see cref="BaseAddress"/> — one loopback hop fewer.
    /// </summary>
    public RequestDelegate Pipeline => _pipeline.Value;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<string> Routes { get; }

    private List<string> MapFunctions(IReadOnlyList<WorkerFunction> functions)
    {
        var routes = new List<string>();
        foreach (var function in functions.Where(f => f.IsHttp))
        {
            var trigger = function.Trigger!;
            var pattern = RoutePattern(_app.RoutePrefix, trigger.Get("route") ?? function.Name);
            var methods = trigger.Raw.GetStrings("methods").Select(m => m.ToUpperInvariant()).ToArray();
            RequestDelegate handler = context => HandleAsync(context, function, trigger);
            var endpoint = methods.Length == 0 ? _web.Map(pattern, handler) : _web.MapMethods(pattern, methods, handler);
            endpoint.WithDisplayName(function.Name);
            var verbs = methods.Length == 0 ? "*" : string.Join(',', methods);
            routes.Add($"{verbs} /{pattern}");
            Log.RouteMapped(_logger, function.Name, verbs, "/" + pattern);
        }

        // The real host registers routes with HttpMethodRouteConstraint (WebScriptHostHttpRoutesManager): a known path
        // with an undeclared method matches nothing and is a 404, as is any unknown path. The lowest-priority
        // catch-all gives exactly that instead of endpoint routing's 405.
        _web.Map("{**unmatched}", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }).WithOrder(int.MaxValue).WithDisplayName("404");
        return routes;
    }

    /// <summary>The route template the host registers: route prefix and function route joined by one slash.</summary>
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

    private async Task HandleAsync(HttpContext context, WorkerFunction function, BindingDefinition trigger)
    {
        WorkerChannel channel;
        try
        {
            // During a restart, requests wait for the next worker (the client's own timeout bounds the wait).
            channel = await _invoker.ChannelAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or InvalidOperationException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (channel.HttpUri is null)
        {
            Log.NoHttpUri(_logger, function.Name);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var request = WorkerInvoker.NewRequest(function);
        if (context.Request.Headers.TraceParent is { Count: > 0 } traceParent)
        {
            request.TraceContext.TraceParent = traceParent.ToString();
            request.TraceContext.TraceState = context.Request.Headers.TraceState.ToString();
        }

        // With HttpUri the host sends an empty RpcHttp; route values, Query and Headers travel as trigger metadata.
        request.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (key, value) in context.Request.RouteValues)
        {
            if (value is not null)
            {
                request.TriggerMetadata[key] = TypedValues.String(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }
        }

        var query = new JsonObject();
        foreach (var (key, values) in context.Request.Query)
        {
            query[key] = values.ToString();
        }

        var headers = new JsonObject();
        foreach (var (key, values) in context.Request.Headers)
        {
            headers[key] = values.ToString();
        }

        request.TriggerMetadata["Query"] = TypedValues.Json(query);
        request.TriggerMetadata["Headers"] = TypedValues.Json(headers);

        // Both halves at once: the worker pairs the proxied request and the invocation by id. If the request cannot be
        // proxied, the invocation is cancelled at once rather than left to the worker's 15 s wait for its HTTP half.
        using var invocationCancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var invocation = _invoker.InvokeOnAsync(channel, function, request, invocationCancel.Token);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathAndQuery = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        bool forwarded;
        try
        {
            forwarded = await _forwarder.ForwardAsync(context, channel.HttpUri, pathAndQuery,
                message => message.Headers.TryAddWithoutValidation("x-ms-invocation-id", request.InvocationId), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // The client went away (or the worker mid-body): the invocation is cancelled through RequestAborted.
            forwarded = false;
            await ObserveAsync(invocation).ConfigureAwait(false);
            Log.ForwardingAborted(_logger, function.Name, ex.Message);
            context.Abort();
            return;
        }

        if (!forwarded)
        {
            await invocationCancel.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            var response = await invocation.ConfigureAwait(false);
            if (!forwarded)
            {
                throw new FunctionInvocationException(function.Name, "the request could not be proxied to the worker");
            }

            await _invoker.ApplyOutputsAsync(function, request, response, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FunctionInvocationException or Azure.RequestFailedException or InvalidOperationException)
        {
            // The worker's Kestrel answers 200 with an empty body for a function that threw; the host replaces it with
            // a 500 like its ExceptionMiddleware does — unless the body already started, then the response is aborted.
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            else
            {
                context.Abort();
            }
        }
    }

    private static async Task ObserveAsync(Task<InvocationResponse> invocation)
    {
        try
        {
            await invocation.ConfigureAwait(false);
        }
        catch (FunctionInvocationException)
        {
            // Already logged by the invoker.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(340, LogLevel.Information, "{FunctionName}: [{Methods}] http://host{Route}")]
        public static partial void RouteMapped(ILogger logger, string functionName, string methods, string route);

        [LoggerMessage(341, LogLevel.Error, "{FunctionName}: the worker reported no HttpUri capability, so HTTP cannot be proxied")]
        public static partial void NoHttpUri(ILogger logger, string functionName);

        [LoggerMessage(342, LogLevel.Information, "{FunctionName}: request aborted while proxying ({Reason})")]
        public static partial void ForwardingAborted(ILogger logger, string functionName, string reason);
    }
}
