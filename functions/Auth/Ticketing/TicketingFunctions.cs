using Hit.Platform.Http;
using Hit.Auth.Accounts;
using Hit.Auth.Safety;
using Hit.Platform.Worker;
using Hit.Auth.Sessions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Auth.Ticketing;

/// <summary>
/// The ticketing seed's user routes, on the same accounts and sessions as <c>/auth</c>. Their errors keep the
/// seed's shape, <c>{errors:[{message, field?}]}</c>, instead of ProblemDetails. The token is the Hit access token.
/// </summary>
internal sealed class TicketingFunctions(AccountService service, SessionStore sessions)
{
    /// <summary>Creates an account → <c>{user:{id,email}, token}</c>.</summary>
    [Function(nameof(TicketingSignUp))]
    public async Task<Results<Created<TicketingAuthResponse>, JsonHttpResult<TicketingErrorResponse>>> TicketingSignUp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/users/signup")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.TicketingCredentials, cancellationToken);
        if (error is not null)
        {
            return Errors(error.Status, new TicketingError(error.Message, error.Field));
        }

        if (AccountService.Validate(body!.Email, body.Password, out var email) is { Count: > 0 } invalid)
        {
            return Errors(StatusCodes.Status400BadRequest, [.. invalid.Select(e => new TicketingError(e.Message, e.Field))]);
        }

        var (outcome, account) = await service.RegisterAsync(ns.Value, email!, body.Password!, cancellationToken);
        if (outcome == CreateAccountOutcome.EmailTaken)
        {
            return Errors(StatusCodes.Status400BadRequest, new TicketingError("Email in use", "email"));
        }

        var session = await service.StartSessionAsync(account!, cancellationToken);
        return TypedResults.Created(PublicAddress.PathFor(request, "/api/users/currentuser"), new TicketingAuthResponse(new TicketingUser(account!.UserId, account.Email), session.AccessToken));
    }

    /// <summary>Signs in → <c>{user:{id,email}, token}</c>.</summary>
    [Function(nameof(TicketingSignIn))]
    public async Task<Results<Ok<TicketingAuthResponse>, JsonHttpResult<TicketingErrorResponse>>> TicketingSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/users/signin")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.TicketingCredentials, cancellationToken);
        if (error is not null)
        {
            return Errors(error.Status, new TicketingError(error.Message, error.Field));
        }

        var missing = new List<TicketingError>();
        if (string.IsNullOrWhiteSpace(body!.Email))
        {
            missing.Add(new("Email must be valid", "email"));
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            missing.Add(new("You must supply a password", "password"));
        }

        if (missing.Count > 0)
        {
            return Errors(StatusCodes.Status400BadRequest, [.. missing]);
        }

        var result = await service.SignInAsync(ns.Value, body.Email, body.Password, cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Locked:
                request.HttpContext.Response.Headers.RetryAfter = RetryAfter.Seconds(result.RetryAfter);
                return Errors(StatusCodes.Status429TooManyRequests, new TicketingError("Too many failed sign-ins; try again later"));
            case SignInStatus.InvalidCredentials:
                return Errors(StatusCodes.Status400BadRequest, new TicketingError("Invalid credentials"));
        }

        var session = await service.StartSessionAsync(result.Account!, cancellationToken);
        return TypedResults.Ok(new TicketingAuthResponse(new TicketingUser(result.Account!.UserId, result.Account.Email), session.AccessToken));
    }

    /// <summary>Revokes the bearer token's session.</summary>
    [Function(nameof(TicketingSignOut))]
    public async Task<Results<ContentHttpResult, JsonHttpResult<TicketingErrorResponse>>> TicketingSignOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/users/signout")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var user = WorkerUser.Find(request);
        if (user is null)
        {
            return Errors(StatusCodes.Status401Unauthorized, new TicketingError("Not authorized"));
        }

        if (!SameNamespace(request, user))
        {
            return Errors(StatusCodes.Status403Forbidden, new TicketingError("The token belongs to another namespace"));
        }

        if (await sessions.FindAsync(user.Namespace, user.Id, user.SessionId, cancellationToken) is { } session)
        {
            await sessions.RevokeAsync(session, "signout", cancellationToken);
        }

        // The seed answers an empty object.
        return TypedResults.Content("{}", "application/json", statusCode: StatusCodes.Status200OK);
    }

    /// <summary>The signed-in user, or null.</summary>
    [Function(nameof(TicketingCurrentUser))]
    public async Task<Ok<TicketingCurrentUserResponse>> TicketingCurrentUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/users/currentuser")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var user = WorkerUser.Find(request);
        // Signed out (revoked session) reads as no user even while the token has not expired.
        var current = user is not null && SameNamespace(request, user) && await sessions.IsActiveAsync(user.Namespace, user.Id, user.SessionId, cancellationToken)
            ? new TicketingUser(user.Id, user.Email)
            : null;
        return TypedResults.Ok(new TicketingCurrentUserResponse(current));
    }

    private static bool SameNamespace(HttpRequest request, HitUser user)
    {
        var header = request.Headers[TenantNamespace.HeaderName].ToString();
        return header.Length == 0 || header == user.Namespace;
    }

    private static JsonHttpResult<TicketingErrorResponse> Errors(int status, params TicketingError[] errors) =>
        TypedResults.Json(new TicketingErrorResponse(errors), HitJsonContext.Default.TicketingErrorResponse, statusCode: status);
}
