using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.Worker;

internal static class WorkerHttp
{
    /// <summary>An HTTP-triggered invocation whose request the ASP.NET Core integration has already paired with it.</summary>
    public static bool IsHttpInvocation(FunctionContext context) => context.GetHttpContext() is not null;

    public static HttpContext Http(this FunctionContext context) =>
        context.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} is not an HTTP invocation.");

    /// <summary>
    /// Answers without running the function: the integration's own middleware (outermost) writes the invocation result
    /// to the response, the same way it writes a function's returned <see cref="IResult"/>.
    /// </summary>
    public static void Respond(this FunctionContext context, IResult result) => context.GetInvocationResult().Value = result;
}
