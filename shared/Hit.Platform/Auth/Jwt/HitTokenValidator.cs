using System.Collections.Concurrent;
using System.Security.Claims;
using Hit.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Auth.Jwt;

/// <summary>The outcome of validating a Hit access token: the caller's identity, or why it was refused.</summary>
public sealed record HitTokenValidation(ClaimsIdentity? Identity, string? Error)
{
    public bool IsValid => Identity is not null;
}

/// <summary>
/// Validates Hit access tokens locally: ES256 only, a <c>kid</c> the JWKS publishes, the configured issuer and
/// audience, <c>exp</c>/<c>nbf</c> with a small skew, type <c>at+jwt</c>, and the claims every token carries.
/// No call to the auth app per request (keys come from <see cref="HitJwksCache"/>).
/// </summary>
public sealed class HitTokenValidator
{
    /// <summary>The JWT <c>typ</c> of Hit access tokens (RFC 9068); an id_token or any other JWT is refused.</summary>
    public const string TokenType = "at+jwt";

    // Real tokens are well under 1 KiB; the cap keeps parsing cost bounded for garbage.
    internal const int MaxTokenLength = 8 * 1024;

    private static readonly string[] RequiredClaims = [HitClaims.Subject, HitClaims.Namespace, HitClaims.SessionId];

    private readonly HitJwksCache _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _resultLifetime;
    private readonly int _resultCapacity;
    private readonly ConcurrentDictionary<string, CachedResult> _results = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public HitTokenValidator(HitJwksCache keys, IOptions<HitJwtOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = keys;
        _time = time;
        var o = options.Value;
        _resultLifetime = o.ValidatedTokenCacheDuration;
        _resultCapacity = o.ValidatedTokenCacheSize;
        // Keys are resolved by kid from the cache only (FindAsync already ran, so this is a lookup).
        _parameters = CreateParameters(o, kid => _keys.TryGetCached(kid), time);
    }

    /// <summary>
    /// The validation rules every Hit service applies, shared by this validator and the worker's JwtBearer scheme.
    /// <paramref name="cachedKey"/> must not do I/O: IdentityModel resolves keys synchronously, so callers fetch an
    /// unknown kid into <see cref="HitJwksCache"/> before validating.
    /// </summary>
    internal static TokenValidationParameters CreateParameters(HitJwtOptions o, Func<string, SecurityKey?> cachedKey, TimeProvider time) => new()
    {
        ValidIssuer = o.Issuer,
        ValidAudience = o.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = o.ClockSkew,
        // The algorithm is pinned: "none", HS256 and RS256 never reach signature checking.
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [TokenType],
        TryAllIssuerSigningKeys = false,
        IssuerSigningKeyResolver = (_, _, kid, _) => kid is not null && cachedKey(kid) is { } key ? [key] : [],
        LifetimeValidator = (notBefore, expires, _, p) => ValidateLifetime(notBefore, expires, p.ClockSkew, time.GetUtcNow().UtcDateTime),
        NameClaimType = HitClaims.Subject,
        AuthenticationType = HitJwtDefaults.AuthenticationScheme,
    };

    /// <summary>The claims a validly signed token must still carry; null when they are all there.</summary>
    internal static string? CheckClaims(ClaimsIdentity identity)
    {
        foreach (var claim in RequiredClaims)
        {
            if (string.IsNullOrEmpty(identity.FindFirst(claim)?.Value))
            {
                return $"The token has no '{claim}' claim.";
            }
        }

        return TenantNamespace.IsValid(identity.FindFirst(HitClaims.Namespace)?.Value) ? null : "The token's namespace is invalid.";
    }

    public async Task<HitTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return new(null, "The token is not a JWT.");
        }

        // A client presents the same token on every call for its whole lifetime; a signature verification (~70 µs
        // of ECDSA) per request is the dominant cost, so successful results are reused briefly. Only validly signed
        // tokens get here, so the cache cannot be filled with garbage, and no entry outlives the token's exp.
        var now = _time.GetUtcNow();
        if (_resultLifetime > TimeSpan.Zero && _results.TryGetValue(token, out var cached))
        {
            // A JWKS refresh (rotation, revocation) invalidates every remembered result.
            if (now < cached.Until && cached.KeysVersion == _keys.Version)
            {
                return new(cached.Identity.Clone(), null);
            }

            _results.TryRemove(token, out _);
        }

        if (!_handler.CanReadToken(token))
        {
            return new(null, "The token is not a JWT.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return new(null, "The token is not a JWT.");
        }

        if (jwt.Alg != SecurityAlgorithms.EcdsaSha256)
        {
            return new(null, "The token algorithm is not ES256.");
        }

        if (string.IsNullOrEmpty(jwt.Kid) || await _keys.FindAsync(jwt.Kid, cancellationToken).ConfigureAwait(false) is null)
        {
            return new(null, "The token's signing key is unknown.");
        }

        var result = await _handler.ValidateTokenAsync(jwt, _parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new(null, Describe(result.Exception));
        }

        var identity = result.ClaimsIdentity;
        if (CheckClaims(identity) is { } missing)
        {
            return new(null, missing);
        }

        if (_resultLifetime > TimeSpan.Zero)
        {
            if (_results.Count >= _resultCapacity)
            {
                // Crude but bounded: a full cache starts over rather than tracking recency on the hot path.
                _results.Clear();
            }

            var until = now + _resultLifetime;
            _results[token] = new CachedResult(identity.Clone(), _keys.Version, jwt.ValidTo < until.UtcDateTime ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : until);
        }

        return new(identity, null);
    }

    private sealed record CachedResult(ClaimsIdentity Identity, int KeysVersion, DateTimeOffset Until);

    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTime now) =>
        expires is { } exp && now < exp.Add(skew) ? (notBefore is not { } nbf || nbf.Subtract(skew) <= now) : false;

    /// <summary>A client-safe reason for a rejected token (IdentityModel's own messages can carry token contents).</summary>
    internal static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenMalformedException => "The token is not a JWT.",
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidLifetimeException => "The token is expired or not valid yet.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "The token's audience is not accepted.",
        SecurityTokenInvalidTypeException => "The token is not an access token.",
        SecurityTokenInvalidAlgorithmException => "The token algorithm is not ES256.",
        SecurityTokenSignatureKeyNotFoundException => "The token's signing key is unknown.",
        SecurityTokenInvalidSignatureException => "The token signature is invalid.",
        _ => "The token is invalid.",
    };
}

/// <summary>Claim names of Hit access tokens.</summary>
public static class HitClaims
{
    public const string Subject = "sub";
    public const string Namespace = TenantNamespace.ClaimType;
    public const string Email = "email";
    public const string SessionId = "sid";
}
