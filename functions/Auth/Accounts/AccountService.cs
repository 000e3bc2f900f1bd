using Hit.Auth.Mail;
using Hit.Auth.Sessions;
using Hit.Auth.Tokens;
using Hit.Contracts.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Accounts;

internal sealed record FieldError(string Field, string Message);

internal enum SignInStatus
{
    Success,
    InvalidCredentials,
    Locked,
}

internal readonly record struct SignInResult(SignInStatus Status, AccountDocument? Account, TimeSpan RetryAfter);

internal sealed record IssuedSession(string AccessToken, string RefreshToken, int ExpiresIn, string Sid);

/// <summary>Registration, sign-in with lockout, and session start — shared by the /auth and ticketing routes.</summary>
internal sealed partial class AccountService(
    AccountStore accounts,
    SessionStore sessions,
    Passwords passwords,
    AccessTokenIssuer issuer,
    OneTimeTokenStore oneTimeTokens,
    AuthMailer mailer,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    /// <summary>Every problem with the input at once (the ticketing seed lists them all).</summary>
    public static List<FieldError> Validate(string? email, string? password, out string? normalizedEmail)
    {
        var errors = new List<FieldError>();
        if (!EmailAddress.TryNormalize(email, out normalizedEmail, out var emailError))
        {
            errors.Add(new("email", emailError));
        }

        if (!PasswordPolicy.IsAcceptable(password, normalizedEmail, out var passwordError))
        {
            errors.Add(new("password", passwordError));
        }

        return errors;
    }

    public async Task<(CreateAccountOutcome Outcome, AccountDocument? Account)> RegisterAsync(string ns, string normalizedEmail, string password, CancellationToken cancellationToken)
    {
        var result = await accounts.CreateAsync(ns, normalizedEmail, passwords.Hash(password), emailVerified: false, externalLogin: null, cancellationToken);
        if (result.Account is { } account)
        {
            await SendVerificationAsync(account, cancellationToken);
            Log.Registered(logger, ns, account.UserId);
        }

        return result;
    }

    public async Task SendVerificationAsync(AccountDocument account, CancellationToken cancellationToken)
    {
        var (token, expiresAt) = await oneTimeTokens.CreateAsync(account.Ns, TokenPurposes.VerifyEmail, account.UserId, options.Value.EmailVerificationLifetime, cancellationToken);
        await mailer.SendAsync(account.Ns, AuthEmailMessage.Templates.VerifyEmail, account.Email, token, expiresAt, "verify-email", cancellationToken);
    }

    /// <summary>
    /// Checks a password with per-account lockout: after <see cref="AuthOptions.LockoutThreshold"/> failures the
    /// account locks for LockoutBase × 2^(extra failures), capped at LockoutMax. While locked, even the right
    /// password is refused. An unknown email costs one hash like a wrong password, and answers the same.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string ns, string? email, string? password, CancellationToken cancellationToken)
    {
        if (!EmailAddress.TryNormalize(email, out var normalized, out _) || string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength * 4)
        {
            return new(SignInStatus.InvalidCredentials, null, TimeSpan.Zero);
        }

        var account = await accounts.FindByEmailAsync(ns, normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (account?.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return new(SignInStatus.Locked, null, lockedUntil - now);
        }

        var verification = passwords.Verify(account?.PasswordHash, password);
        if (account is null)
        {
            return new(SignInStatus.InvalidCredentials, null, TimeSpan.Zero);
        }

        if (verification == PasswordVerificationResult.Failed)
        {
            var updated = await accounts.IncrementFailedLoginsAsync(account, cancellationToken);
            var o = options.Value;
            if (updated.FailedLogins >= o.LockoutThreshold)
            {
                var exponent = Math.Min(updated.FailedLogins - o.LockoutThreshold, 20);
                var duration = TimeSpan.FromTicks(Math.Min(o.LockoutBase.Ticks * (1L << exponent), o.LockoutMax.Ticks));
                await accounts.SetLockedUntilAsync(account, now + duration, cancellationToken);
                Log.Locked(logger, ns, account.UserId, updated.FailedLogins);
                return new(SignInStatus.Locked, null, duration);
            }

            return new(SignInStatus.InvalidCredentials, null, TimeSpan.Zero);
        }

        var operations = new List<PatchOperation>();
        if (account.FailedLogins != 0 || account.LockedUntil is not null)
        {
            operations.Add(PatchOperation.Set("/failedLogins", 0));
            operations.Add(PatchOperation.Set<DateTimeOffset?>("/lockedUntil", null));
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // Upgrade in place: a PBKDF2 hash (or Argon2id with other parameters than configured now) becomes a current Argon2id hash.
            operations.Add(PatchOperation.Set("/passwordHash", passwords.Hash(password)));
        }

        if (operations.Count > 0)
        {
            account = await accounts.SetAsync(account, operations, cancellationToken);
        }

        return new(SignInStatus.Success, account, TimeSpan.Zero);
    }

    public async Task<IssuedSession> StartSessionAsync(AccountDocument account, CancellationToken cancellationToken)
    {
        var (session, refreshToken) = await sessions.CreateAsync(account.Ns, account.UserId, cancellationToken);
        var access = await issuer.IssueAsync(account.Ns, account.UserId, account.Email, session.Sid, cancellationToken);
        return new IssuedSession(access, refreshToken, issuer.LifetimeSeconds, session.Sid);
    }

    public static AccountResponse ToResponse(AccountDocument account) =>
        new(account.UserId, account.Email, account.Ns, account.EmailVerified, account.CreatedAt);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Account {UserId} registered in namespace {Namespace}.")]
        public static partial void Registered(ILogger logger, string @namespace, string userId);

        [LoggerMessage(2, LogLevel.Warning, "Account {UserId} in namespace {Namespace} locked after {Failures} failed logins.")]
        public static partial void Locked(ILogger logger, string @namespace, string userId, int failures);
    }
}
