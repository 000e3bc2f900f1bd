using System.Globalization;
using Hit.Platform.Http;
using Hit.Auth.Sessions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Auth.Tokens;

/// <summary><c>POST /auth/verify</c>: token introspection for callers that cannot validate locally.</summary>
internal sealed class TokenFunctions(HitTokenValidator validator, SessionStore sessions)
{
    /// <summary>Validates an access token (signature, expiry, issuer, audience, live session) and returns its claims.</summary>
    [Function(nameof(Verify))]
    public async Task<Results<Ok<VerifyTokenResponse>, ProblemHttpResult>> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/verify")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.VerifyTokenRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
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
            Claim(HitClaims.SessionId), long.Parse(Claim("iat"), CultureInfo.InvariantCulture),
            long.Parse(Claim("exp"), CultureInfo.InvariantCulture), Claim("iss"), Claim("aud")));
    }
}
