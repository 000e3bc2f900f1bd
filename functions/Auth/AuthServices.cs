using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Auth.OAuth;
using Hit.Auth.Sessions;
using Hit.Auth.Tokens;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Health;
using Hit.Platform.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hit.Auth;

/// <summary>One <c>Add&lt;Feature&gt;()</c> per feature folder; Program.cs lists them.</summary>
internal static class AuthServices
{
    /// <summary>Options, the clock, and the Cosmos container every feature stores in.</summary>
    public static IServiceCollection AddAuthStore(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddHitClock(configuration, environment);
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, AuthDocumentsJsonContext.Default));
        // TTL on, no default: only one-time tokens and OAuth state carry a per-document ttl.
        services.AddHitCosmosContainer(AuthStore.ContainerName, defaultTtl: -1);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        return services;
    }

    /// <summary>The signing-key ring, which is also where this app's own token validation gets its keys.</summary>
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<KeyRing>();
        // The platform registered the HTTP JWKS source; the auth app reads its key ring instead of calling itself.
        services.Replace(ServiceDescriptor.Singleton<IHitSigningKeySource, KeyRingSigningKeySource>());
        return services;
    }

    /// <summary>Issuing access tokens, and validating them for <c>/auth/verify</c>.</summary>
    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        // Other apps may run without HitAuth settings (and refuse every token); the issuer of the tokens may not.
        services.AddOptions<HitJwtOptions>().Validate(o => !string.IsNullOrWhiteSpace(o.Issuer), "HitAuth:Issuer is required: the auth app issues the tokens.");
        services.TryAddSingleton<HitTokenValidator>();
        services.AddSingleton<AccessTokenIssuer>();
        return services;
    }

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        // Argon2id parameters (Accounts/Passwords.cs); the validator admits test-sized ones only in Development.
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PasswordHashingOptions>, PasswordHashingOptionsValidator>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AccountService>();
        return services;
    }

    public static IServiceCollection AddSessions(this IServiceCollection services) => services.AddSingleton<SessionStore>();

    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddOptions<OAuthOptions>().BindConfiguration(OAuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OAuthOptions>, OAuthOptionsValidator>();
        services.AddHttpClient(OidcProviders.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<OidcProviders>();
        services.AddSingleton<OAuthStateStore>();
        return services;
    }

    /// <summary>
    /// Functions that serve anonymous callers read a bearer token that does not validate as no token. Sign-in, refresh and reset are what a client calls when its token has expired (and
    /// often still sends it); the ticketing seed answers <c>currentUser: null</c> and its own 401 shape. Functions
    /// that need a user (GetMe, Logout, LogoutAll, ResendVerification) keep the platform's 401.
    /// </summary>
    public static IServiceCollection AddAnonymousFunctions(this IServiceCollection services) =>
        services.Configure<WorkerAuthenticationOptions>(o =>
        {
            foreach (var function in (string[])["Register", "Login", "Verify", "Refresh", "VerifyEmail", "ForgotPassword", "ResetPassword", "GetJwks",
                "StartOAuth", "OAuthCallback", "ExchangeOAuthCode", "TicketingSignUp", "TicketingSignIn", "TicketingSignOut", "TicketingCurrentUser"])
            {
                o.AnonymousOnInvalidToken.Add(function);
            }
        });
}
