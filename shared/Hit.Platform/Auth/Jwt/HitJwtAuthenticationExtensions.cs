using Hit.Platform.Auth.Jwt;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class HitJwtAuthenticationExtensions
{
    /// <summary>
    /// Validates Hit access tokens on every request (scheme <see cref="HitJwtDefaults.AuthenticationScheme"/>, the
    /// default scheme) from the auth app's JWKS (<c>HitAuth</c> settings), and adds the policy behind
    /// <see cref="RequireUser{TBuilder}"/>. The token's <c>ns</c> becomes the request's namespace.
    /// </summary>
    public static IServiceCollection AddHitJwtAuthentication(this IServiceCollection services)
    {
        services.AddOptions<HitJwtOptions>().BindConfiguration(HitJwtOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HitJwtOptions>, HitJwtOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpJwksSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.TryAddSingleton<IHitSigningKeySource, HttpJwksSource>();
        services.TryAddSingleton<HitJwksCache>();
        services.TryAddSingleton<HitTokenValidator>();

        services.AddAuthentication(HitJwtDefaults.AuthenticationScheme)
            .AddScheme<HitJwtAuthenticationOptions, HitJwtAuthenticationHandler>(HitJwtDefaults.AuthenticationScheme, _ => { });
        services.AddAuthorizationBuilder().AddPolicy(HitJwtDefaults.UserPolicy, policy => policy
            .AddAuthenticationSchemes(HitJwtDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            // A token is only good in its own namespace: naming another one in the header is refused (403), not
            // silently rewritten, so a client bug that mixes tenants surfaces.
            .RequireAssertion(context => context.Resource is not HttpContext http || NamespaceHeaderMatches(http)));
        return services;
    }

    /// <summary>The endpoint requires a valid Hit access token (401 otherwise) used in its own namespace (403 otherwise).</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(HitJwtDefaults.UserPolicy);

    internal static bool NamespaceHeaderMatches(HttpContext http)
    {
        var header = http.Request.Headers[TenantNamespace.HeaderName].ToString();
        return header.Length == 0 || string.Equals(header, http.User.FindFirst(HitClaims.Namespace)?.Value, StringComparison.Ordinal);
    }
}
