using System.Security.Claims;

namespace Hit.Platform.Auth.Jwt;

/// <summary>
/// The authenticated caller of a Hit access token: <see cref="Worker.WorkerUser.TryRequire"/> in a function that needs
/// one, <see cref="From"/> where a user is optional.
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
}
