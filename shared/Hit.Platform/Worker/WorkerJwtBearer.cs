using System.Security.Claims;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Worker;

/// <summary>
/// Hit access tokens through <c>Microsoft.AspNetCore.Authentication.JwtBearer</c>, with the rules of
/// <see cref="HitTokenValidator"/> (one definition: <see cref="HitTokenValidator.CreateParameters"/>). There is no
/// Authority or metadata address, so JwtBearer never fetches an OpenID Connect discovery document: keys come only from
/// <see cref="HitJwtOptions.JwksUrl"/> through <see cref="HitJwksCache"/> (cached, refreshed on an unknown kid,
/// throttled, last good keys kept while the auth app is down).
/// </summary>
internal static class WorkerJwtBearer
{
    public static IServiceCollection AddHitJwtBearer(this IServiceCollection services)
    {
        services.AddOptions<HitJwtOptions>().BindConfiguration(HitJwtOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HitJwtOptions>, OptionalHitJwtOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpJwksSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.TryAddSingleton<IHitSigningKeySource, HttpJwksSource>();
        services.TryAddSingleton<HitJwksCache>();

        services.AddAuthentication(HitJwtDefaults.AuthenticationScheme).AddJwtBearer(HitJwtDefaults.AuthenticationScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(HitJwtDefaults.AuthenticationScheme)
            .Configure<IOptions<HitJwtOptions>, HitJwksCache, TimeProvider>((bearer, hit, keys, time) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = HitTokenValidator.CreateParameters(hit.Value, kid => keys.TryGetCached(kid), time);
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new JwksTokenHandler(keys));
                // No configuration manager to refresh: HitJwksCache fetches an unknown kid itself.
                bearer.RefreshOnIssuerKeyNotFound = false;
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RequireHitClaims,
                    OnChallenge = WriteChallenge,
                };
            });
        return services;
    }

    private static Task RequireHitClaims(TokenValidatedContext context)
    {
        var missing = context.Principal?.Identity is ClaimsIdentity identity ? HitTokenValidator.CheckClaims(identity) : "The token has no identity.";
        if (missing is not null)
        {
            context.Fail(missing);
        }

        return Task.CompletedTask;
    }

    /// <summary>The platform's 401: ProblemDetails <c>unauthorized</c> and <c>WWW-Authenticate</c> (RFC 6750 §3).</summary>
    private static Task WriteChallenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        context.Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var detail = failure switch
        {
            null => "A Hit access token is required (Authorization: Bearer …).",
            // Our own reasons (RequireHitClaims); IdentityModel's messages are mapped, as they can quote the token.
            AuthenticationFailureException => failure.Message,
            _ => HitTokenValidator.Describe(failure),
        };
        return Problems.Write(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, detail);
    }

    /// <summary>
    /// IdentityModel resolves signing keys synchronously (<c>IssuerSigningKeyResolver</c> reads the cache only), so an
    /// ES256 token's kid is fetched into <see cref="HitJwksCache"/> first, as <see cref="HitTokenValidator"/> does.
    /// Other algorithms are not looked up at all: they fail validation without costing the auth app a request.
    /// </summary>
    private sealed class JwksTokenHandler : JsonWebTokenHandler
    {
        private readonly HitJwksCache _keys;

        public JwksTokenHandler(HitJwksCache keys)
        {
            _keys = keys;
            MapInboundClaims = false;
            MaximumTokenSizeInBytes = HitTokenValidator.MaxTokenLength;
        }

        public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            if (string.IsNullOrEmpty(validationParameters?.ValidIssuer))
            {
                // HitAuth is not configured: this app knows no issuer and no keys, so no token can be accepted.
                return Refused(new SecurityTokenSignatureKeyNotFoundException());
            }

            JsonWebToken jwt;
            try
            {
                jwt = ReadJsonWebToken(token);
            }
            catch (ArgumentException)
            {
                // Oversized, not three base64url parts, or a header that is not JSON.
                return Refused(new SecurityTokenMalformedException());
            }

            if (jwt is { Alg: SecurityAlgorithms.EcdsaSha256, Kid: { Length: > 0 } kid })
            {
                await _keys.FindAsync(kid, CancellationToken.None).ConfigureAwait(false);
            }

            return await base.ValidateTokenAsync(jwt, validationParameters).ConfigureAwait(false);
        }

        private static TokenValidationResult Refused(Exception exception) => new() { IsValid = false, Exception = exception };
    }
}

/// <summary>
/// An app without <c>HitAuth</c> settings starts and refuses every token (401); settings that are present must be
/// complete and valid (<see cref="HitJwtOptionsValidator"/>), so a half-configured app fails at start, not per request.
/// </summary>
internal sealed class OptionalHitJwtOptionsValidator : IValidateOptions<HitJwtOptions>
{
    public ValidateOptionsResult Validate(string? name, HitJwtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.Issuer) && options.JwksUrl is null
            ? ValidateOptionsResult.Success
            : new HitJwtOptionsValidator().Validate(name, options);
    }
}
