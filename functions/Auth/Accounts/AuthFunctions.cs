using Hit.Auth.Http;
using Hit.Auth.Safety;
using Hit.Auth.Sessions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.Auth.Accounts;

/// <summary>Email/password accounts, token verification, refresh and logout (<c>/auth/*</c>) and <c>GET /users/me</c>.</summary>
internal static class AuthFunctions
{
    public static IEndpointRouteBuilder MapAuthFunctions(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/register", Register).WithName(nameof(Register)).Accepts<CredentialsRequest>("application/json").RequireRateLimiting(AuthRateLimits.Register)
            .WithSummary("Creates an account and a session; queues the verification mail.");
        auth.MapPost("/login", Login).WithName(nameof(Login)).Accepts<CredentialsRequest>("application/json").RequireRateLimiting(AuthRateLimits.Login)
            .WithSummary("Email + password → access and refresh token. Locks the account after repeated failures.");
        auth.MapPost("/verify", Verify).WithName(nameof(Verify)).Accepts<VerifyTokenRequest>("application/json")
            .WithSummary("Validates an access token (signature, expiry, issuer, audience, live session) and returns its claims.");
        auth.MapPost("/refresh", Refresh).WithName(nameof(Refresh)).Accepts<RefreshRequest>("application/json").RequireRateLimiting(AuthRateLimits.Refresh)
            .WithSummary("Rotates a refresh token (single use; reuse revokes the session).");
        auth.MapPost("/logout", Logout).WithName(nameof(Logout)).RequireUser()
            .WithSummary("Revokes the caller's session.");
        auth.MapPost("/logout-all", LogoutAll).WithName(nameof(LogoutAll)).RequireUser()
            .WithSummary("Revokes every session of the caller.");
        app.MapGet("/users/me", GetMe).WithName(nameof(GetMe)).WithTags("Auth").RequireUser()
            .WithSummary("The caller's account.");
        return app;
    }

    internal static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> Register(
        HttpRequest request, TenantNamespace ns, AccountService service, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.CredentialsRequest, cancellationToken);
        if (error is not null)
        {
            return Problems.BadRequest(error.Field, error.Message, error.Code);
        }

        if (AccountService.Validate(body!.Email, body.Password, out var email) is [var first, ..])
        {
            return Problems.BadRequest(first.Field, first.Message);
        }

        var (outcome, account) = await service.RegisterAsync(ns.Value, email!, body.Password!, cancellationToken);
        if (outcome == CreateAccountOutcome.EmailTaken)
        {
            // Registration cannot hide an existing address without dropping the immediate session; the per-IP limit bounds probing.
            return Problems.Create(StatusCodes.Status409Conflict, AuthProblemCodes.EmailTaken, "An account with this email already exists.", "email");
        }

        var session = await service.StartSessionAsync(account!, cancellationToken);
        return TypedResults.Created("/users/me", ToTokenResponse(session, account!));
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        HttpRequest request, HttpContext context, TenantNamespace ns, AccountService service, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.CredentialsRequest, cancellationToken);
        if (error is not null)
        {
            return Problems.BadRequest(error.Field, error.Message, error.Code);
        }

        if (string.IsNullOrEmpty(body!.Email) || string.IsNullOrEmpty(body.Password))
        {
            return Problems.BadRequest(string.IsNullOrEmpty(body.Email) ? "email" : "password", "Email and password are required.");
        }

        var result = await service.SignInAsync(ns.Value, body.Email, body.Password, cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Locked:
                context.Response.Headers.RetryAfter = RetryAfter.Seconds(result.RetryAfter);
                return Problems.Create(StatusCodes.Status429TooManyRequests, AuthProblemCodes.AccountLocked,
                    "Too many failed sign-ins; try again later.");
            case SignInStatus.InvalidCredentials:
                return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.InvalidCredentials, "The email or password is wrong.");
        }

        var session = await service.StartSessionAsync(result.Account!, cancellationToken);
        return TypedResults.Ok(ToTokenResponse(session, result.Account!));
    }

    internal static async Task<Results<Ok<VerifyTokenResponse>, ProblemHttpResult>> Verify(
        HttpRequest request, HitTokenValidator validator, SessionStore sessions, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.VerifyTokenRequest, cancellationToken);
        if (error is not null)
        {
            return Problems.BadRequest(error.Field, error.Message, error.Code);
        }

        if (string.IsNullOrEmpty(body!.Token))
        {
            return Problems.BadRequest("token", "Token is required.");
        }

        var result = await validator.ValidateAsync(body.Token, cancellationToken);
        if (!result.IsValid)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.InvalidToken, result.Error!);
        }

        var claims = result.Identity!;
        string Claim(string type) => claims.FindFirst(type)?.Value ?? "";
        if (!await sessions.IsActiveAsync(Claim(HitClaims.Namespace), Claim(HitClaims.Subject), Claim(HitClaims.SessionId), cancellationToken))
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.SessionRevoked, "The token's session has ended.");
        }

        return TypedResults.Ok(new VerifyTokenResponse(true, Claim(HitClaims.Subject), Claim(HitClaims.Namespace), Claim(HitClaims.Email),
            Claim(HitClaims.SessionId), long.Parse(Claim("iat"), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(Claim("exp"), System.Globalization.CultureInfo.InvariantCulture), Claim("iss"), Claim("aud")));
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        HttpRequest request, TenantNamespace ns, SessionStore sessions, AccountStore accounts, Tokens.AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.RefreshRequest, cancellationToken);
        if (error is not null)
        {
            return Problems.BadRequest(error.Field, error.Message, error.Code);
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

        var result = await sessions.RefreshAsync(token.Value, cancellationToken);
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

    internal static async Task<NoContent> Logout(HitUser user, SessionStore sessions, CancellationToken cancellationToken)
    {
        if (await sessions.FindAsync(user.Namespace, user.Id, user.SessionId, cancellationToken) is { } session)
        {
            await sessions.RevokeAsync(session, "logout", cancellationToken);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> LogoutAll(HitUser user, SessionStore sessions, CancellationToken cancellationToken)
    {
        await sessions.RevokeAllAsync(user.Namespace, user.Id, "logout_all", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetMe(
        HitUser user, SessionStore sessions, AccountStore accounts, CancellationToken cancellationToken)
    {
        if (!await sessions.IsActiveAsync(user.Namespace, user.Id, user.SessionId, cancellationToken))
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.SessionRevoked, "The token's session has ended.");
        }

        return await accounts.FindByUserIdAsync(user.Namespace, user.Id, cancellationToken) is { } account
            ? TypedResults.Ok(AccountService.ToResponse(account))
            : Problems.NotFound("The account no longer exists.");
    }

    private static TokenResponse ToTokenResponse(IssuedSession session, AccountDocument account) =>
        new(session.AccessToken, "Bearer", session.ExpiresIn, session.RefreshToken, AccountService.ToResponse(account));
}
