using Hit.Platform.Auth.Hmac;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the HMAC-SHA256 request-signature scheme.</summary>
public static class HmacAuthenticationExtensions
{
    /// <summary>The default scheme name.</summary>
    public const string Scheme = "HitHmac";

    /// <summary>
    /// Adds the scheme with its settings bound from <paramref name="configSection"/> and validated on start
    /// (at least one secret of 16+ characters). Endpoints opt in with <see cref="RequireHmacSignature{TBuilder}"/>.
    /// </summary>
    public static AuthenticationBuilder AddHitHmac(this AuthenticationBuilder builder, string configSection, string scheme = Scheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(configSection);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IHmacReplayCache, MemoryHmacReplayCache>();
        builder.Services.AddOptions<HmacAuthenticationOptions>(scheme).BindConfiguration(configSection).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HmacAuthenticationOptions>>(new HmacAuthenticationOptionsValidator(scheme, configSection));
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName(scheme), policy => policy
            .AddAuthenticationSchemes(scheme)
            .RequireAuthenticatedUser());
        return builder.AddScheme<HmacAuthenticationOptions, HmacAuthenticationHandler>(scheme, displayName: "HMAC-SHA256 request signature", configureOptions: null);
    }

    /// <summary>Requires a valid signature under <paramref name="scheme"/> (401 with a stable code otherwise).</summary>
    public static TBuilder RequireHmacSignature<TBuilder>(this TBuilder builder, string scheme = Scheme)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName(scheme));

    /// <summary>The authorization policy the scheme registers.</summary>
    public static string PolicyName(string scheme = Scheme) => scheme + ".Signed";
}
