using System.Text.Json.Serialization;

namespace Hit.Contracts.Auth;

/// <summary>Email + password, for <c>POST /auth/register</c> and <c>POST /auth/login</c>.</summary>
public sealed record CredentialsRequest(string? Email, string? Password);

/// <summary>The account as the auth app shows it to its owner.</summary>
/// <param name="Id">The user id (the <c>sub</c> claim).</param>
/// <param name="Email">The normalized email.</param>
/// <param name="Namespace">The tenant namespace the account lives in.</param>
/// <param name="EmailVerified">True once the email was confirmed (link or a provider's verified email).</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record AccountResponse(string Id, string Email, string Namespace, bool EmailVerified, DateTimeOffset CreatedAt);

/// <summary>A new session: a short-lived ES256 access token and an opaque, single-use refresh token.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    AccountResponse User);

/// <summary><c>POST /auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>
/// <c>POST /oauth/token</c>: the one-time code the OAuth callback put on the redirect, and the PKCE verifier whose
/// S256 challenge the app sent to <c>GET /oauth/{provider}</c>. Answered with a <see cref="TokenResponse"/>.
/// </summary>
public sealed record OAuthTokenRequest(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("code_verifier")] string? CodeVerifier);

/// <summary><c>POST /auth/verify</c>: a token to check.</summary>
public sealed record VerifyTokenRequest(string? Token);

/// <summary>The validated claims of a Hit access token.</summary>
public sealed record VerifyTokenResponse(
    bool Valid,
    string Sub,
    string Ns,
    string Email,
    string Sid,
    long Iat,
    long Exp,
    string Iss,
    string Aud);

/// <summary><c>POST /auth/email/verify</c> with the token from the verification mail.</summary>
public sealed record EmailTokenRequest(string? Token);

/// <summary><c>POST /auth/password/forgot</c>.</summary>
public sealed record ForgotPasswordRequest(string? Email);

/// <summary><c>POST /auth/password/reset</c> with the token from the reset mail.</summary>
public sealed record ResetPasswordRequest(string? Token, string? Password);

/// <summary>An accepted request whose outcome is deliberately not revealed (no account enumeration).</summary>
public sealed record AcceptedResponse(string Status);

/// <summary>One public key of the JWKS (RFC 7517), EC P-256 only.</summary>
public sealed record JsonWebKeyResponse(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg);

/// <summary><c>GET /.well-known/jwks.json</c>.</summary>
public sealed record JsonWebKeySetResponse([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKeyResponse> Keys);
