using System.Collections.Concurrent;
using Hit.Platform.Errors;
using Hit.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// One body cap per function (<see cref="RequestBodyLimitAttribute"/>, else <see cref="PlatformOptions.MaxRequestBodyBytes"/>):
/// a declared <c>Content-Length</c> over it is refused with 413 before the function runs; a chunked body gets the cap
/// as the server's own request-body limit, so reading past it fails (<see cref="BodyTooLarge"/> turns that into the
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

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
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
