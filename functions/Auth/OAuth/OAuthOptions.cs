using Microsoft.Extensions.Options;

namespace Hit.Auth.OAuth;

/// <summary>One OpenID Connect provider (Google, Entra ID, or any other): it is configuration, not code.</summary>
internal sealed class OAuthProviderOptions
{
    /// <summary>
    /// Issuer base, e.g. <c>https://accounts.google.com</c> or <c>https://login.microsoftonline.com/{tenant|common|organizations}/v2.0</c>.
    /// The discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>.
    /// </summary>
    public Uri? Authority { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string Scopes { get; set; } = "openid email profile";

    /// <summary>Only for a local test provider over plain http.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Treat the <c>email</c> claim as verified even without <c>email_verified: true</c>. Leave off for Entra ID
    /// multi-tenant apps: any tenant admin can put any address there.
    /// </summary>
    public bool TrustEmailClaim { get; set; }
}

/// <summary>Section <c>Auth:OAuth</c>.</summary>
internal sealed class OAuthOptions
{
    public const string Section = "Auth:OAuth";

    /// <summary>Providers by route name (<c>/oauth/{name}</c>): <c>google</c>, <c>microsoft</c>, …</summary>
    public Dictionary<string, OAuthProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the browser may be sent back after sign-in: exact scheme, host, port and path (no open redirects).</summary>
    public List<Uri> RedirectAllowList { get; set; } = [];

    /// <summary>The auth app's public base URL; the provider calls back to <c>{base}oauth/{provider}/callback</c>.</summary>
    public Uri? CallbackBaseUrl { get; set; }

    /// <summary>How long a sign-in may take between leaving for the provider and coming back.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the one-time code the callback returns can be redeemed at <c>POST /oauth/token</c>.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Mark the state cookie Secure (on in Azure; off for plain-http local runs).</summary>
    public bool SecureCookie { get; set; } = true;
}

internal sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, OAuthOptions options)
    {
        var failures = new List<string>();
        foreach (var (provider, p) in options.Providers)
        {
            if (p.Authority is not { IsAbsoluteUri: true } || string.IsNullOrWhiteSpace(p.ClientId))
            {
                failures.Add($"Auth:OAuth:Providers:{provider} needs an absolute Authority and a ClientId.");
            }
            else if (p.RequireHttpsMetadata && p.Authority.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"Auth:OAuth:Providers:{provider}:Authority must be https (RequireHttpsMetadata).");
            }
        }

        if (options.Providers.Count > 0 && options.CallbackBaseUrl is not { IsAbsoluteUri: true })
        {
            failures.Add("Auth:OAuth:CallbackBaseUrl must be an absolute URL when providers are configured.");
        }

        if (options.RedirectAllowList.Any(u => !u.IsAbsoluteUri || u.Scheme is not ("http" or "https") || u.Fragment.Length > 0))
        {
            failures.Add("Auth:OAuth:RedirectAllowList entries must be absolute http(s) URLs without a fragment.");
        }

        if (options.StateLifetime <= TimeSpan.Zero || options.StateLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Auth:OAuth:StateLifetime must be between 0 and 1 hour.");
        }

        if (options.CodeLifetime <= TimeSpan.Zero || options.CodeLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add("Auth:OAuth:CodeLifetime must be between 0 and 10 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
