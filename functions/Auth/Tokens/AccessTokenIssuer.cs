using Hit.Auth.Keys;
using Hit.Platform.Auth.Jwt;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Auth.Tokens;

/// <summary>Mints ES256 access tokens: <c>sub ns email sid iat nbf exp iss aud</c>, typ <c>at+jwt</c>, kid of the current key.</summary>
internal sealed class AccessTokenIssuer(KeyRing ring, IOptions<AuthOptions> options, IOptions<HitJwtOptions> jwt, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public int LifetimeSeconds => (int)options.Value.AccessTokenLifetime.TotalSeconds;

    public async Task<string> IssueAsync(string ns, string userId, string email, string sessionId, CancellationToken cancellationToken)
    {
        var key = await ring.GetSigningKeyAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Value.Issuer,
            Audience = jwt.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.AccessTokenLifetime,
            TokenType = HitTokenValidator.TokenType,
            Claims = new Dictionary<string, object>
            {
                [HitClaims.Subject] = userId,
                [HitClaims.Namespace] = ns,
                [HitClaims.Email] = email,
                [HitClaims.SessionId] = sessionId,
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
