using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Auth.Mail;
using Hit.Auth.OAuth;
using Hit.Auth.Safety;
using Hit.Auth.Sessions;
using Hit.Auth.Tokens;
using Hit.Contracts.Auth;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Health;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hit.Auth;

internal static class AuthServices
{
    /// <summary>Everything the auth app needs: options, Cosmos container, queue, keys, accounts, sessions, limits.</summary>
    public static IServiceCollection AddAuthApp(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, AuthDocumentsJsonContext.Default));
        // TTL on, no default: only one-time tokens and OAuth state carry a per-document ttl.
        services.AddHitCosmosContainer(AuthStore.ContainerName, defaultTtl: -1);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddHitStorage();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<KeyRing>();
        // The auth app validates its own tokens from the key ring; registered before the platform's HTTP source.
        services.AddSingleton<IHitSigningKeySource, KeyRingSigningKeySource>();
        services.AddHitJwtAuthentication();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<OneTimeTokenStore>();
        services.AddSingleton<AuthMailer>();
        services.AddSingleton<AccountService>();
        services.AddAuthRateLimits();
        services.AddOAuth();
        return services;
    }
}
