using System.Diagnostics.CodeAnalysis;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Hit.Platform.Worker;

/// <summary>
/// What an endpoint policy would do for a function (functions have none): the caller
/// <see cref="WorkerAuthenticationMiddleware"/> authenticated, used in its own namespace.
/// </summary>
public static class WorkerUser
{
    /// <summary>The caller of a valid Hit access token, or null (no token; a bad token never reaches the function).</summary>
    public static HitUser? Find(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HitUser.From(request.HttpContext.User);
    }

    /// <summary>
    /// The caller, or the refusal to answer instead: 401 (the scheme's challenge: problem <c>unauthorized</c>,
    /// <c>WWW-Authenticate: Bearer</c>) without a token, 403 <c>forbidden</c> when <c>X-Hit-Namespace</c> names another
    /// namespace than the token's — refused, not silently rewritten, so a client that mixes tenants notices.
    /// </summary>
    public static bool TryRequire(HttpRequest request, [NotNullWhen(true)] out HitUser? user, [NotNullWhen(false)] out IResult? refusal)
    {
        user = Find(request);
        if (user is null)
        {
            refusal = TypedResults.Challenge();
            return false;
        }

        var header = request.Headers[TenantNamespace.HeaderName].ToString();
        if (header.Length > 0 && !string.Equals(header, user.Namespace, StringComparison.Ordinal))
        {
            user = null;
            refusal = Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "The token belongs to another namespace than X-Hit-Namespace names.");
            return false;
        }

        refusal = null;
        return true;
    }
}
