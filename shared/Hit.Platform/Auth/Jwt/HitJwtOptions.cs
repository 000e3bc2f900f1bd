using Microsoft.Extensions.Options;

namespace Hit.Platform.Auth.Jwt;

/// <summary>How every app validates Hit access tokens (section <c>HitAuth</c>, e.g. <c>HitAuth__JwksUrl</c>).</summary>
public sealed class HitJwtOptions
{
    public const string Section = "HitAuth";

    /// <summary>The <c>iss</c> the auth app writes; tokens with any other issuer are rejected.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The <c>aud</c> the auth app writes for platform services.</summary>
    public string Audience { get; set; } = "hit";

    /// <summary>Where the auth app publishes its keys (<c>…/.well-known/jwks.json</c>). Not needed inside the auth app.</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>How long fetched keys are used before a background-free refresh on the next request.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Minimum time between fetches forced by a token whose <c>kid</c> is not cached, so a flood of forged kids
    /// cannot turn every request into a call to the auth app.
    /// </summary>
    public TimeSpan UnknownKidRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a successfully validated token is remembered (never past its <c>exp</c>), so repeated calls with the
    /// same token skip the signature check. Zero turns it off. Keep it well under <see cref="JwksRefreshInterval"/>,
    /// which already bounds how fast a key revocation reaches a service.
    /// </summary>
    public TimeSpan ValidatedTokenCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound of remembered tokens per instance.</summary>
    public int ValidatedTokenCacheSize { get; set; } = 10_000;

    /// <summary>Tolerance for clock differences on <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class HitJwtOptionsValidator : IValidateOptions<HitJwtOptions>
{
    public ValidateOptionsResult Validate(string? name, HitJwtOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{HitJwtOptions.Section}:Issuer is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{HitJwtOptions.Section}:Audience is required.");
        }

        if (options.JwksUrl is { IsAbsoluteUri: false } || options.JwksUrl is { Scheme: not ("http" or "https") })
        {
            failures.Add($"{HitJwtOptions.Section}:JwksUrl must be an absolute http(s) URL.");
        }

        if (options.ValidatedTokenCacheDuration < TimeSpan.Zero || options.ValidatedTokenCacheDuration > TimeSpan.FromMinutes(5) || options.ValidatedTokenCacheSize < 1)
        {
            failures.Add($"{HitJwtOptions.Section}: ValidatedTokenCacheDuration must be 0–5 minutes and ValidatedTokenCacheSize positive.");
        }

        if (options.JwksRefreshInterval <= TimeSpan.Zero || options.UnknownKidRefreshInterval < TimeSpan.Zero || options.ClockSkew < TimeSpan.Zero)
        {
            failures.Add($"{HitJwtOptions.Section}: intervals must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class HitJwtDefaults
{
    /// <summary>The authentication scheme (JwtBearer) that validates Hit access tokens; the default scheme of every app.</summary>
    public const string AuthenticationScheme = "HitJwt";
}
