using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Auth.OAuth;

/// <summary>The verified identity an id_token asserts.</summary>
internal sealed record ExternalIdentity(string Subject, string? Email, bool EmailVerified);

/// <summary>
/// Discovery documents and JWKS of the configured providers (cached and refreshed by IdentityModel's
/// ConfigurationManager), and id_token validation against them: signature, issuer, audience, expiry, nonce.
/// </summary>
internal sealed class OidcProviders(IOptions<OAuthOptions> options, IHttpClientFactory clients, TimeProvider time)
{
    public const string HttpClientName = "oidc";

    // Asymmetric only: an id_token "signed" with HS256 using the client secret or a public key is refused.
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256,
    ];

    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new(StringComparer.OrdinalIgnoreCase);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public OAuthProviderOptions? Find(string provider) => options.Value.Providers.GetValueOrDefault(provider);

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(string provider, CancellationToken cancellationToken) =>
        Manager(provider).GetConfigurationAsync(cancellationToken);

    /// <summary>Validates the id_token; on an unknown signing key, refreshes the provider's JWKS once (key rotation).</summary>
    public async Task<(ExternalIdentity? Identity, string? Error)> ValidateIdTokenAsync(string provider, string idToken, string expectedNonceHash, CancellationToken cancellationToken)
    {
        var settings = Find(provider)!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var configuration = await GetConfigurationAsync(provider, cancellationToken);
            var parameters = new TokenValidationParameters
            {
                ValidAudience = settings.ClientId,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidAlgorithms = Algorithms,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(2),
                LifetimeValidator = (nbf, exp, _, p) => exp is { } e && time.GetUtcNow().UtcDateTime < e.Add(p.ClockSkew) && (nbf is not { } n || n.Subtract(p.ClockSkew) <= time.GetUtcNow().UtcDateTime),
                IssuerValidator = (issuer, token, _) => IssuerMatches(configuration.Issuer, issuer, token)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("The id_token issuer does not match the provider."),
            };
            var result = await _handler.ValidateTokenAsync(idToken, parameters);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException && attempt == 0)
            {
                Manager(provider).RequestRefresh();
                continue;
            }

            if (!result.IsValid)
            {
                return (null, "The provider's id_token is invalid: " + (result.Exception?.GetType().Name ?? "unknown reason") + ".");
            }

            var claims = result.ClaimsIdentity;
            var nonce = claims.FindFirst("nonce")?.Value;
            if (nonce is null || !Keys.Secrets.HashEquals(Keys.Secrets.Hash(nonce), expectedNonceHash))
            {
                return (null, "The id_token nonce does not match this sign-in.");
            }

            var subject = claims.FindFirst("sub")?.Value;
            if (string.IsNullOrEmpty(subject))
            {
                return (null, "The id_token has no subject.");
            }

            var email = claims.FindFirst("email")?.Value;
            var verified = settings.TrustEmailClaim || IsTrue(claims.FindFirst("email_verified"));
            return (new ExternalIdentity(subject, email, verified && email is not null), null);
        }

        return (null, "The id_token's signing key is unknown.");
    }

    /// <summary>
    /// Entra ID's multi-tenant discovery document advertises <c>…/{tenantid}/v2.0</c>; the token's own <c>tid</c>
    /// fills the placeholder. Any other provider's issuer must match exactly.
    /// </summary>
    internal static bool IssuerMatches(string configured, string actual, SecurityToken token)
    {
        if (configured.Contains("{tenantid}", StringComparison.Ordinal))
        {
            var tid = (token as JsonWebToken)?.TryGetPayloadValue<string>("tid", out var t) == true ? t : null;
            return tid is { Length: > 0 } && string.Equals(configured.Replace("{tenantid}", tid, StringComparison.Ordinal), actual, StringComparison.Ordinal);
        }

        return string.Equals(configured, actual, StringComparison.Ordinal);
    }

    private static bool IsTrue(Claim? claim) => claim is not null && string.Equals(claim.Value, "true", StringComparison.OrdinalIgnoreCase);

    private ConfigurationManager<OpenIdConnectConfiguration> Manager(string provider) => _managers.GetOrAdd(provider, name =>
    {
        var settings = Find(name) ?? throw new KeyNotFoundException(name);
        var metadata = new Uri(settings.Authority!.ToString().TrimEnd('/') + "/.well-known/openid-configuration");
        var retriever = new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = settings.RequireHttpsMetadata };
        return new ConfigurationManager<OpenIdConnectConfiguration>(metadata.ToString(), new OpenIdConnectConfigurationRetriever(), retriever);
    });
}
