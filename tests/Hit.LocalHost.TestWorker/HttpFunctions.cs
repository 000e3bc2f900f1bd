using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.TestWorker;

/// <summary>HTTP-triggered functions (ASP.NET Core integration: the host forwards requests to the worker's Kestrel).</summary>
public sealed partial class HttpFunctions(ILogger<HttpFunctions> logger)
{
    /// <summary>Answers what the worker saw of the request; <c>X-Echo-Status: N</c> sets the status.</summary>
    [Function("Echo")]
    public static async Task<IActionResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "echo/{id}")] HttpRequest req,
        string id,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(context);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await req.Body.ReadAsync(buffer, context.CancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        var body = new
        {
            method = req.Method,
            id,
            pathBase = req.PathBase.Value,
            query = req.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            headers = req.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.Ordinal),
            bodyLength = length,
            bodySha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
            invocationId = context.InvocationId,
            triggerMetadataKeys = context.BindingContext.BindingData.Keys.Order(StringComparer.Ordinal).ToArray(),
        };
        var status = int.TryParse(req.Headers["X-Echo-Status"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? s
            : StatusCodes.Status200OK;
        return new JsonResult(body) { StatusCode = status };
    }

    /// <summary>Reached only for an integer <c>n</c> (route constraint).</summary>
    [Function("Typed")]
    public static IActionResult Typed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{n:int}")] HttpRequest req,
        int n) =>
        new JsonResult(new { n });

    [Function("Throw")]
    public static IActionResult Throw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "throw")] HttpRequest req) =>
        throw new InvalidOperationException("test failure");

    /// <summary>Streams <c>size</c> bytes, byte <c>i</c> being <c>i % 251</c>.</summary>
    [Function("Large")]
    public static IActionResult Large(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "large/{size:int}")] HttpRequest req,
        int size) =>
        new PatternResult(size);

    /// <summary>
    /// Sends a first line, then holds the response open for up to 30 s or until the invocation is cancelled
    /// (InvocationCancel from the host) or the forwarded request is aborted, and records which happened.
    /// </summary>
    [Function("Slow")]
    public static async Task<IActionResult> Slow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "slow")] HttpRequest req,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(context);

        var response = req.HttpContext.Response;
        var aborted = req.HttpContext.RequestAborted;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync("started\n", CancellationToken.None);
        await response.Body.FlushAsync(CancellationToken.None);

        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, aborted);
        var cancelled = false;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), either.Token);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }

        Recorder.Record(context, new JsonObject
        {
            ["cancelled"] = cancelled,
            ["invocationCancelled"] = context.CancellationToken.IsCancellationRequested,
            ["requestAborted"] = aborted.IsCancellationRequested,
        });
        // The response has started: nothing more to execute.
        return new EmptyResult();
    }

    [Function("Pid")]
    public static IActionResult Pid(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pid")] HttpRequest req) =>
        new JsonResult(new { pid = Environment.ProcessId });

    /// <summary>Answers 202, then the worker process exits with code 3 about 100 ms later.</summary>
    [Function("Crash")]
    public static IActionResult Crash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "crash")] HttpRequest req)
    {
        _ = Task.Run(async () =>
        {
            await Task.Delay(100);
            Environment.Exit(3);
        });
        return new StatusCodeResult(StatusCodes.Status202Accepted);
    }

    /// <summary>Writes one Information and one Warning line through ILogger (the host receives them as RpcLog).</summary>
    [Function("Log")]
    public IActionResult Log(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "log/{marker}")] HttpRequest req,
        string marker)
    {
        LogMarker(logger, marker);
        LogMarkerWarning(logger, marker);
        return new OkResult();
    }

    /// <summary>One HTTP call, several queue messages: the HTTP result and the queue output travel together.</summary>
    [Function("MultiOut")]
    public static async Task<MultiOutResult> MultiOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "multi")] HttpRequest req,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(context);

        using var reader = new StreamReader(req.Body);
        var text = await reader.ReadToEndAsync(context.CancellationToken);
        return new MultiOutResult
        {
            Result = new ContentResult { StatusCode = StatusCodes.Status200OK, Content = "ok", ContentType = "text/plain; charset=utf-8" },
            Messages = text.Split('\n'),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "worker-log {Marker}")]
    private static partial void LogMarker(ILogger logger, string marker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "worker-warning {Marker}")]
    private static partial void LogMarkerWarning(ILogger logger, string marker);
}

public sealed class MultiOutResult
{
    [HttpResult]
    public required IActionResult Result { get; init; }

    [QueueOutput("%TEST_OUT_QUEUE%")]
    public required string[] Messages { get; init; }
}

/// <summary>A body of <c>size</c> bytes where byte <c>i</c> is <c>i % 251</c>, written in chunks (no Content-Length).</summary>
internal sealed class PatternResult(int size) : IActionResult
{
    // A whole number of 251-byte periods, so every chunk starts the pattern at 0.
    private static readonly byte[] Chunk = Enumerable.Range(0, 251 * 256).Select(i => (byte)(i % 251)).ToArray();

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        var aborted = context.HttpContext.RequestAborted;
        for (var sent = 0; sent < size; sent += Chunk.Length)
        {
            await response.Body.WriteAsync(Chunk.AsMemory(0, Math.Min(Chunk.Length, size - sent)), aborted);
        }
    }
}
