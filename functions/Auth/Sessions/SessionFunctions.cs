using Hit.Platform.Http;
using Hit.Auth.Accounts;
using Hit.Auth.Safety;
using Hit.Auth.Tokens;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Sessions;

/// <summary>Refresh-token rotation and logout: <c>POST /auth/refresh</c>, <c>/auth/logout</c>, <c>/auth/logout-all</c>.</summary>
internal sealed class SessionFunctions(SessionStore sessions, AccountStore accounts, AccessTokenIssuer issuer, IOptions<AuthRateLimitOptions> clientAddressOptions)
{
    /// <summary>Rotates a refresh token (single use; reuse revokes the session; a same-client retry inside the grace window gets the same new token).</summary>
    [Function(nameof(Refresh))]
    public async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/refresh")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.RefreshRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (string.IsNullOrEmpty(body!.RefreshToken))
        {
            return Problems.BadRequest("refreshToken", "Refresh token is required.");
        }

        // A token of another namespace is refused outright: the header cannot move a session between tenants.
        if (!RefreshToken.TryParse(body.RefreshToken, out var token) || token.Value.Ns != ns.Value)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.InvalidRefreshToken, "The refresh token is invalid.");
        }

        var binding = SessionStore.ClientBinding(token.Value.Secret, request.Headers.UserAgent.ToString(),
            AuthRateLimits.ClientAddress(request.HttpContext, clientAddressOptions.Value));
        var result = await sessions.RefreshAsync(token.Value, binding, cancellationToken);
        if (result.Outcome == RefreshOutcome.ReuseDetected)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.RefreshTokenReused,
                "This refresh token was already used; the session has been revoked. Sign in again.");
        }

        var account = result.Outcome == RefreshOutcome.Rotated ? await accounts.FindByUserIdAsync(ns.Value, token.Value.UserId, cancellationToken) : null;
        if (account is null)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.InvalidRefreshToken, "The refresh token is invalid.");
        }

        var access = await issuer.IssueAsync(ns.Value, account.UserId, account.Email, result.Session!.Sid, cancellationToken);
        return TypedResults.Ok(new TokenResponse(access, "Bearer", issuer.LifetimeSeconds, result.RefreshToken!, AccountService.ToResponse(account)));
    }

    /// <summary>Revokes the caller's session.</summary>
    [Function(nameof(Logout))]
    public async Task<IResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        if (await sessions.FindAsync(user.Namespace, user.Id, user.SessionId, cancellationToken) is { } session)
        {
            await sessions.RevokeAsync(session, "logout", cancellationToken);
        }

        return TypedResults.NoContent();
    }

    /// <summary>Revokes every session of the caller.</summary>
    [Function(nameof(LogoutAll))]
    public async Task<IResult> LogoutAll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout-all")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        await sessions.RevokeAllAsync(user.Namespace, user.Id, "logout_all", cancellationToken);
        return TypedResults.NoContent();
    }
}
