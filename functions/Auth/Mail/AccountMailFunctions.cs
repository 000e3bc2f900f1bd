using Hit.Platform.Http;
using Hit.Auth.Accounts;
using Hit.Auth.Sessions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Worker;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Mail;

/// <summary>Email verification and password reset: single-use, expiring, hashed tokens delivered through the email queue.</summary>
internal sealed partial class AccountMailFunctions(
    OneTimeTokenStore tokens, AccountStore accounts, AccountService service, AuthMailer mailer, Passwords passwords, SessionStore sessions,
    IOptions<AuthOptions> options, ILogger<AccountMailFunctions> logger)
{
    /// <summary>Confirms the email with the token from the verification mail.</summary>
    [Function(nameof(VerifyEmail))]
    public async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> VerifyEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/email/verify")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.EmailTokenRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (string.IsNullOrEmpty(body!.Token))
        {
            return Problems.BadRequest("token", "Token is required.");
        }

        var userId = await tokens.ConsumeAsync(ns.Value, TokenPurposes.VerifyEmail, body.Token, cancellationToken);
        if (userId is null || await accounts.FindByUserIdAsync(ns.Value, userId, cancellationToken) is not { } account)
        {
            return InvalidToken();
        }

        account = await accounts.SetAsync(account, [PatchOperation.Set("/emailVerified", true)], cancellationToken);
        return TypedResults.Ok(AccountService.ToResponse(account));
    }

    /// <summary>Queues a new verification mail for the caller.</summary>
    [Function(nameof(ResendVerification))]
    public async Task<IResult> ResendVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/email/resend")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        if (await accounts.FindByUserIdAsync(user.Namespace, user.Id, cancellationToken) is not { } account)
        {
            return Problems.NotFound("The account no longer exists.");
        }

        if (!account.EmailVerified)
        {
            await service.SendVerificationAsync(account, cancellationToken);
        }

        return TypedResults.Accepted((string?)null, new AcceptedResponse("queued"));
    }

    /// <summary>Queues a reset mail when the account exists; the answer is the same either way.</summary>
    [Function(nameof(ForgotPassword))]
    public async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> ForgotPassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password/forgot")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.ForgotPasswordRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (!EmailAddress.TryNormalize(body!.Email, out var email, out var emailError))
        {
            return Problems.BadRequest("email", emailError);
        }

        if (await accounts.FindByEmailAsync(ns.Value, email, cancellationToken) is { } account)
        {
            var (token, expiresAt) = await tokens.CreateAsync(ns.Value, TokenPurposes.PasswordReset, account.UserId, options.Value.PasswordResetLifetime, cancellationToken);
            await mailer.SendAsync(ns.Value, AuthEmailMessage.Templates.PasswordReset, account.Email, token, expiresAt, "reset-password", cancellationToken);
        }
        else
        {
            Log.ResetForUnknownEmail(logger, ns.Value);
        }

        // Same status and body whether or not the account exists: the endpoint cannot be used to probe for emails.
        return TypedResults.Accepted((string?)null, new AcceptedResponse("If an account exists for this email, a reset link has been sent."));
    }

    /// <summary>Sets a new password with the token from the reset mail and revokes every session.</summary>
    [Function(nameof(ResetPassword))]
    public async Task<Results<NoContent, ProblemHttpResult>> ResetPassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password/reset")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.ResetPasswordRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (string.IsNullOrEmpty(body!.Token))
        {
            return Problems.BadRequest("token", "Token is required.");
        }

        // The password is checked before the token is spent, so a rejected password does not burn the link.
        if (!PasswordPolicy.IsAcceptable(body.Password, null, out var passwordError))
        {
            return Problems.BadRequest("password", passwordError);
        }

        var userId = await tokens.ConsumeAsync(ns.Value, TokenPurposes.PasswordReset, body.Token, cancellationToken);
        if (userId is null || await accounts.FindByUserIdAsync(ns.Value, userId, cancellationToken) is not { } account)
        {
            return InvalidToken();
        }

        await accounts.SetAsync(account,
        [
            PatchOperation.Set("/passwordHash", passwords.Hash(body.Password)),
            PatchOperation.Set("/failedLogins", 0),
            PatchOperation.Set<DateTimeOffset?>("/lockedUntil", null),
            // Receiving the reset mail proves control of the address.
            PatchOperation.Set("/emailVerified", true),
        ], cancellationToken);
        await sessions.RevokeAllAsync(ns.Value, userId, "password_reset", cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult InvalidToken() =>
        Problems.Create(StatusCodes.Status400BadRequest, AuthProblemCodes.InvalidOneTimeToken, "The link is invalid, expired or already used.", "token");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Password reset requested for an unknown email in namespace {Namespace}.")]
        public static partial void ResetForUnknownEmail(ILogger logger, string @namespace);
    }
}
