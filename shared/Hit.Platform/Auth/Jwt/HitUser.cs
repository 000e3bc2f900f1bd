using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Hit.Platform.Auth.Jwt;

/// <summary>
/// The authenticated caller of a Hit access token. Declare it as a handler parameter on an endpoint with
/// <c>RequireUser()</c>; declare <c>HitUser?</c> where a user is optional.
/// </summary>
public sealed record HitUser(string Id, string Namespace, string Email, string SessionId)
{
    /// <summary>The caller, or null when the request carries no valid Hit access token.</summary>
    public static HitUser? From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == HitJwtDefaults.AuthenticationScheme);
        if (identity is null)
        {
            return null;
        }

        return new HitUser(
            identity.FindFirst(HitClaims.Subject)?.Value ?? "",
            identity.FindFirst(HitClaims.Namespace)?.Value ?? "",
            identity.FindFirst(HitClaims.Email)?.Value ?? "",
            identity.FindFirst(HitClaims.SessionId)?.Value ?? "");
    }

    /// <summary>Minimal-API binding.</summary>
    public static ValueTask<HitUser?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(From(context.User));
    }
}
