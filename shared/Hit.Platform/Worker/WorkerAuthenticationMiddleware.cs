using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// Authenticates every HTTP invocation with the default scheme (Hit access tokens) and sets <c>HttpContext.User</c>.
/// No token → anonymous. A token that does not validate → 401, on every function: dropping it instead would serve the
/// caller anonymously in whatever namespace the header names, i.e. possibly in another tenant than the token's.
/// Functions listed in <see cref="WorkerAuthenticationOptions.AnonymousOnInvalidToken"/> serve such a caller anonymously.
/// </summary>
internal sealed class WorkerAuthenticationMiddleware(IOptions<WorkerAuthenticationOptions> options) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (await AuthenticateAsync(context.Http()).ConfigureAwait(false) is { } refusal
            && !options.Value.AnonymousOnInvalidToken.Contains(context.FunctionDefinition.Name))
        {
            context.Respond(refusal);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>Sets the caller on the request; returns the response to send instead when its token is refused.</summary>
    internal static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync().ConfigureAwait(false);
        if (result.Succeeded)
        {
            http.User = result.Principal;
            return null;
        }

        // The scheme's challenge writes the 401 problem and WWW-Authenticate (WorkerJwtBearer.WriteChallenge).
        return result.Failure is null ? null : TypedResults.Challenge();
    }
}
