using System.Diagnostics;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Worker;

/// <summary>
/// An exception escaping an HTTP function becomes the platform's 500 ProblemDetails (with the trace id) instead of
/// the host's bare 500. The invocation then reports success, so the exception is logged here: rethrowing would fail
/// the invocation, and the host answers a failed HTTP invocation itself, replacing or breaking off our response.
/// </summary>
internal sealed partial class WorkerExceptionMiddleware(ILogger<WorkerExceptionMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (BodyTooLarge.IsLimitExceeded(exception) && CanAnswer(context))
        {
            // The client's fault, not ours: a chunked body ran past the cap WorkerBodyLimitMiddleware set.
            context.Respond(BodyTooLarge.Problem(BodyTooLarge.LimitOf(context.Http()) ?? 0));
        }
        catch (Exception exception) when (CanAnswer(context))
        {
            Log.FunctionFailed(logger, context.FunctionDefinition.Name, context.InvocationId, exception);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            context.Respond(Problems.Create(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "An unexpected error occurred."));
        }
    }

    // A started response cannot be replaced, and a caller that went away needs no answer: both keep the exception.
    private static bool CanAnswer(FunctionContext context) =>
        context.Http() is { Response.HasStarted: false, RequestAborted.IsCancellationRequested: false };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Function {FunctionName} failed (invocation {InvocationId}); answered 500.")]
        public static partial void FunctionFailed(ILogger logger, string functionName, string invocationId, Exception exception);
    }
}
