using Hit.Platform.Http;
using Hit.Auth.Safety;
using Hit.Auth.Sessions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Auth.Accounts;

/// <summary>Email/password accounts: <c>POST /auth/register</c>, <c>POST /auth/login</c> and <c>GET /users/me</c>.</summary>
internal sealed class AccountFunctions(AccountService service, SessionStore sessions, AccountStore accounts)
{
    /// <summary>Creates an account and a session; queues the verification mail.</summary>
    [Function(nameof(Register))]
    public async Task<Results<Created<TokenResponse>, ProblemHttpResult>> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/register")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.CredentialsRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
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
        return TypedResults.Created(PublicAddress.PathFor(request, "/users/me"), ToTokenResponse(session, account!));
    }

    /// <summary>Email + password → access and refresh token. Locks the account after repeated failures.</summary>
    [Function(nameof(Login))]
    public async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/login")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.CredentialsRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (string.IsNullOrEmpty(body!.Email) || string.IsNullOrEmpty(body.Password))
        {
            return Problems.BadRequest(string.IsNullOrEmpty(body.Email) ? "email" : "password", "Email and password are required.");
        }

        var result = await service.SignInAsync(ns.Value, body.Email, body.Password, cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Locked:
                request.HttpContext.Response.Headers.RetryAfter = RetryAfter.Seconds(result.RetryAfter);
                return Problems.Create(StatusCodes.Status429TooManyRequests, AuthProblemCodes.AccountLocked,
                    "Too many failed sign-ins; try again later.");
            case SignInStatus.InvalidCredentials:
                return Problems.Create(StatusCodes.Status401Unauthorized, AuthProblemCodes.InvalidCredentials, "The email or password is wrong.");
        }

        var session = await service.StartSessionAsync(result.Account!, cancellationToken);
        return TypedResults.Ok(ToTokenResponse(session, result.Account!));
    }

    /// <summary>The caller's account.</summary>
    [Function(nameof(GetMe))]
    public async Task<IResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

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
