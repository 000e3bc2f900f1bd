using Hit.Contracts.Directory;
using Hit.Platform.Auth.Hmac;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;

namespace Hit.Email.Http;

/// <summary>Who called, and in which namespace.</summary>
/// <param name="IsService">An HMAC-signed service call (may act in the namespace its request names).</param>
internal sealed record EmailCaller(string Namespace, bool IsService);

/// <summary>
/// Every email function needs an authenticated caller: a user with a Hit access token (the token's namespace), or a
/// service with an HMAC-SHA256 signature (Hit.Platform's verifier: v1/v2, ±300 s, replay cache, constant-time
/// comparison) acting in the namespace of <c>X-Hit-Namespace</c> — v2 signs that header. A bearer token wins when both
/// are present; without either the answer is 401 with both challenges.
/// </summary>
internal sealed class EmailCallers(HmacRequestVerifier verifier)
{
    public async Task<(EmailCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpRequest request, TenantNamespace ns)
    {
        if (WorkerUser.Find(request) is not null)
        {
            return WorkerUser.TryRequire(request, out var user, out var refusal) ? (new EmailCaller(user.Namespace, false), null) : (null, refusal);
        }

        if (!request.Headers.ContainsKey(RequestSignature.SignatureHeader))
        {
            return (null, new Unauthenticated());
        }

        var verification = await verifier.VerifyAsync(request.HttpContext);
        return verification.Failure is { } failure ? (null, new SignatureRefused(failure)) : (new EmailCaller(ns.Value, true), null);
    }

    private sealed class Unauthenticated : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = new(["Bearer", "HMAC-SHA256"]);
            return Problems.Write(httpContext, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized,
                "A Hit access token (Authorization: Bearer) or an HMAC-SHA256 request signature is required.");
        }
    }

    private sealed class SignatureRefused(HmacFailure failure) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "HMAC-SHA256";
            return Problems.Write(httpContext, failure.Status, failure.Code, failure.Message);
        }
    }
}
