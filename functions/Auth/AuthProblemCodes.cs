namespace Hit.Auth;

/// <summary>The auth app's stable problem codes, next to the platform's <c>ProblemCodes</c>.</summary>
internal static class AuthProblemCodes
{
    public const string InvalidCredentials = "invalid_credentials";
    public const string AccountLocked = "account_locked";
    public const string EmailTaken = "email_taken";
    public const string InvalidToken = "invalid_token";
    public const string SessionRevoked = "session_revoked";
    public const string InvalidRefreshToken = "invalid_refresh_token";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string InvalidOneTimeToken = "invalid_one_time_token";
    public const string UnknownProvider = "unknown_provider";
    public const string RedirectNotAllowed = "redirect_not_allowed";
    public const string OAuthFailed = "oauth_failed";

    /// <summary>The one-time OAuth code is unknown, expired, already redeemed, or its code_verifier does not match.</summary>
    public const string InvalidGrant = "invalid_grant";

    /// <summary>A PKCE method other than S256 (<c>plain</c> is refused).</summary>
    public const string UnsupportedCodeChallengeMethod = "unsupported_code_challenge_method";
    public const string EmailNotVerified = "email_not_verified";
}
