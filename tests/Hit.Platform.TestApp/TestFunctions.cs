using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.TestApp;

/// <summary>The smallest functions that exercise each platform step: a required user, the bound namespace, a failure.</summary>
internal sealed class TestFunctions
{
    /// <summary>The caller of a Hit access token, in the namespace the platform resolved for the request.</summary>
    [Function(nameof(WhoAmI))]
    public static IResult WhoAmI(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "whoami")] HttpRequest request,
        TenantNamespace ns)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        return TypedResults.Ok(new { id = user.Id, email = user.Email, sessionId = user.SessionId, @namespace = ns.Value });
    }

    /// <summary>No user needed: only the namespace (token claim, else header, else default).</summary>
    [Function(nameof(Anonymous))]
    public static IResult Anonymous(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "anonymous")] HttpRequest request,
        TenantNamespace ns) =>
        TypedResults.Ok(new { @namespace = ns.Value });

    /// <summary>Fails with a message that must never reach the caller (the platform answers a generic 500).</summary>
    [Function(nameof(Boom))]
    public static IResult Boom(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "boom")] HttpRequest request) =>
        throw new InvalidOperationException("secret detail");
}
