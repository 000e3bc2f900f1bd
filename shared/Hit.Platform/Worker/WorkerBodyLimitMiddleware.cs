using System.Collections.Concurrent;
using Hit.Platform.Errors;
using Hit.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// One body cap per function (<see cref="RequestBodyLimitAttribute"/>, else <see cref="PlatformOptions.MaxRequestBodyBytes"/>):
/// a declared <c>Content-Length</c> over it is refused with 413 before the function runs; a chunked body gets the cap
/// as a capped view of the body, so reading past it fails (<see cref="BodyTooLarge"/> turns that into the
/// same 413) instead of buffering whatever a client sends. Without it every function reading JSON would read and
/// parse a 20 MB body before its validation refused it.
/// </summary>
internal sealed class WorkerBodyLimitMiddleware(IOptions<PlatformOptions> options) : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, long?> Declared = new(StringComparer.Ordinal);

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var limit = LimitOf(context.FunctionDefinition) ?? options.Value.MaxRequestBodyBytes;
        if (limit == RequestBodyLimitAttribute.FunctionEnforced)
        {
            return next(context);
        }

        var http = context.Http();
        if (http.Request.ContentLength > limit)
        {
            context.Respond(BodyTooLarge.Problem(limit));
            return Task.CompletedTask;
        }

        // Not the server's own limit (IHttpMaxRequestBodySizeFeature): past it Kestrel would not drain the rest of the
        // body after our 413 and would reset the connection, and the Functions host, still sending, answers 500 instead.
        // A capped view of the body refuses the read; the server then drains the remainder as usual.
        if (http.Request.ContentLength is null)
        {
            http.Request.Body = new CappedBody(http.Request.Body, limit);
        }

        http.Items[BodyTooLarge.ItemKey] = limit;
        return next(context);
    }

    internal static long? LimitOf(FunctionDefinition function) =>
        Declared.GetOrAdd(function.EntryPoint, static (_, f) => FunctionMethods.Find(f)?.Attribute<RequestBodyLimitAttribute>()?.MaxBytes, function);
}

/// <summary>The platform's 413 for a body over the function's cap, however it was noticed.</summary>
public static class BodyTooLarge
{
    internal const string ItemKey = "Hit.RequestBodyLimit";

    public static ProblemHttpResult Problem(long limit) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, $"The body exceeds {limit} bytes.", "body");

    /// <summary>Whether <paramref name="exception"/> is the server refusing a body past the request's limit.</summary>
    public static bool IsLimitExceeded(Exception? exception)
    {
        // The worker's executor may wrap what the function threw (reflection-invoked internal classes).
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cap the platform set on this request, when it set one.</summary>
    public static long? LimitOf(HttpContext context) =>
        context?.Items.TryGetValue(ItemKey, out var value) == true && value is long limit ? limit : null;
}

/// <summary>A request body that throws the server's own 413 exception once more than <c>limit</c> bytes were read.</summary>
internal sealed class CappedBody(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > limit
            ? throw new BadHttpRequestException($"The body exceeds {limit} bytes.", StatusCodes.Status413PayloadTooLarge)
            : read;
    }
}
