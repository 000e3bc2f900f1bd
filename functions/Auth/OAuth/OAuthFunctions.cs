using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Platform.Cosmos;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Hit.Auth.OAuth;

/// <summary>
/// Sign-in with an OpenID Connect provider: authorization code + PKCE (S256), <c>state</c> bound to the browser by
/// an encrypted cookie and spent server-side on first use, <c>nonce</c> checked in the id_token, and a redirect
/// allow-list. Tokens go back to the app in the URL fragment, which browsers never send to servers.
/// </summary>
internal sealed partial class OAuthFunctions(
    OidcProviders providers, SecretProtector protector, OAuthStateStore store, IOptions<OAuthOptions> options, IHttpClientFactory clients,
    AccountStore accounts, AccountService service, TimeProvider time, ILogger<OAuthFunctions> logger)
{
    private const string CookiePurpose = "oauth-state-cookie";
    private const string VerifierPurpose = "oauth-verifier";

    /// <summary>Redirects to the provider (authorization code + PKCE). Query: redirect_uri (allow-listed), optional login_hint.</summary>
    [Function(nameof(StartOAuth))]
    public async Task<Results<RedirectHttpResult, ProblemHttpResult>> StartOAuth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oauth/{provider}")] HttpRequest request,
        string provider, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        if (providers.Find(provider) is not { } settings)
        {
            return Problems.Create(StatusCodes.Status404NotFound, AuthProblemCodes.UnknownProvider, $"No sign-in provider '{provider}' is configured.", "provider");
        }

        var redirect = context.Request.Query["redirect_uri"].ToString();
        if (redirect.Length == 0)
        {
            return Problems.BadRequest("redirect_uri", "redirect_uri is required.");
        }

        if (!IsAllowedRedirect(redirect, options.Value.RedirectAllowList))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, AuthProblemCodes.RedirectNotAllowed, "redirect_uri is not on the allow-list.", "redirect_uri");
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await providers.GetConfigurationAsync(provider, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, $"The '{provider}' discovery document is unavailable.");
        }

        var state = Secrets.NewToken();
        var nonce = Secrets.NewToken();
        var verifier = Secrets.NewToken();
        var stateHash = Secrets.Hash(state);
        var lifetime = options.Value.StateLifetime;
        var container = await store.GetContainerAsync(cancellationToken);
        var document = new OAuthStateDocument
        {
            Id = OAuthStateDocument.IdFor(stateHash),
            Pk = OAuthStateDocument.PkFor(ns.Value, stateHash),
            Ns = ns.Value,
            Provider = provider.ToLowerInvariant(),
            RedirectUri = redirect,
            NonceHash = Secrets.Hash(nonce),
            ProtectedVerifier = protector.Protect(VerifierPurpose, stateHash, Encoding.UTF8.GetBytes(verifier)),
            ExpiresAt = time.GetUtcNow() + lifetime,
            Ttl = (int)lifetime.TotalSeconds + 3600,
        };
        await container.CreateItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken);

        // Binds the attempt to this browser: a victim lured to a callback URL carrying the attacker's state has no cookie.
        context.Response.Cookies.Append(CookieName(provider), protector.Protect(CookiePurpose, provider.ToLowerInvariant(), Encoding.UTF8.GetBytes(state)), new CookieOptions
        {
            HttpOnly = true,
            Secure = options.Value.SecureCookie,
            SameSite = SameSiteMode.Lax,
            MaxAge = lifetime,
            Path = "/",
            IsEssential = true,
        });

        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = CallbackUri(options.Value, provider),
            ["scope"] = settings.Scopes,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        };
        if (context.Request.Query["login_hint"].ToString() is { Length: > 0 and <= 256 } hint)
        {
            query["login_hint"] = hint;
        }

        return TypedResults.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint, query));
    }

    /// <summary>The provider's redirect back: validates state, exchanges the code, validates the id_token, signs in.</summary>
    [Function(nameof(OAuthCallback))]
    public async Task<Results<RedirectHttpResult, ProblemHttpResult>> OAuthCallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oauth/{provider}/callback")] HttpRequest request,
        string provider, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        if (providers.Find(provider) is not { } settings)
        {
            return Problems.Create(StatusCodes.Status404NotFound, AuthProblemCodes.UnknownProvider, $"No sign-in provider '{provider}' is configured.", "provider");
        }

        var state = context.Request.Query["state"].ToString();
        var cookieName = CookieName(provider);
        var cookie = context.Request.Cookies[cookieName];
        context.Response.Cookies.Delete(cookieName, new CookieOptions { Path = "/", Secure = options.Value.SecureCookie, HttpOnly = true, SameSite = SameSiteMode.Lax });
        if (state.Length != 43 || cookie is null
            || protector.Unprotect(CookiePurpose, provider.ToLowerInvariant(), cookie) is not { } cookieState
            || !CryptographicOperations.FixedTimeEquals(cookieState, Encoding.UTF8.GetBytes(state)))
        {
            return Failed("state", "The sign-in state is missing or does not belong to this browser.");
        }

        // Spend the state first: whatever happens next, this state (and the code that came with it) cannot be replayed.
        var stateHash = Secrets.Hash(state);
        var container = await store.GetContainerAsync(cancellationToken);
        var attempt = await container.ReadItemOrDefaultAsync<OAuthStateDocument>(OAuthStateDocument.IdFor(stateHash), OAuthStateDocument.PkFor(ns.Value, stateHash), cancellationToken);
        if (attempt is null || !string.Equals(attempt.Provider, provider, StringComparison.OrdinalIgnoreCase) || attempt.UsedAt is not null || attempt.ExpiresAt <= time.GetUtcNow())
        {
            return Failed("state", "The sign-in state is unknown, expired or already used.");
        }

        var spent = await container.PatchIfAsync<OAuthStateDocument>(attempt.Id, attempt.Pk, "FROM c WHERE NOT IS_DEFINED(c.usedAt) OR IS_NULL(c.usedAt)",
            [PatchOperation.Set("/usedAt", time.GetUtcNow())], attempt.ETag, cancellationToken);
        if (!spent.Applied)
        {
            return Failed("state", "The sign-in state was already used.");
        }

        // From here the redirect target is trusted (it was allow-listed when the attempt started).
        if (context.Request.Query["error"].ToString() is { Length: > 0 } providerError)
        {
            return BackToApp(attempt.RedirectUri, [("error", providerError is "access_denied" ? "access_denied" : "provider_error")]);
        }

        var code = context.Request.Query["code"].ToString();
        var verifier = protector.Unprotect(VerifierPurpose, stateHash, attempt.ProtectedVerifier);
        if (code.Length is 0 or > 2048 || verifier is null)
        {
            return BackToApp(attempt.RedirectUri, [("error", "invalid_request")]);
        }

        string? idToken;
        ExternalIdentity? identity;
        string? error;
        try
        {
            var configuration = await providers.GetConfigurationAsync(provider, cancellationToken);
            idToken = await ExchangeCodeAsync(clients, configuration.TokenEndpoint, settings, CallbackUri(options.Value, provider), code, Encoding.UTF8.GetString(verifier), cancellationToken);
            if (idToken is null)
            {
                Log.CodeExchangeFailed(logger, provider);
                return BackToApp(attempt.RedirectUri, [("error", "code_exchange_failed")]);
            }

            (identity, error) = await providers.ValidateIdTokenAsync(provider, idToken, attempt.NonceHash, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // The discovery document or JWKS could not be fetched: the provider is down, not the user's fault.
            Log.ProviderUnavailable(logger, provider);
            return BackToApp(attempt.RedirectUri, [("error", "provider_unavailable")]);
        }

        if (identity is null)
        {
            Log.IdTokenRejected(logger, provider, error!);
            return BackToApp(attempt.RedirectUri, [("error", "invalid_id_token")]);
        }

        var account = await ResolveAccountAsync(ns.Value, provider.ToLowerInvariant(), identity, accounts, cancellationToken);
        if (account is null)
        {
            return BackToApp(attempt.RedirectUri, [("error", "email_not_verified")]);
        }

        var session = await service.StartSessionAsync(account, cancellationToken);
        return BackToApp(attempt.RedirectUri,
        [
            ("access_token", session.AccessToken),
            ("refresh_token", session.RefreshToken),
            ("token_type", "Bearer"),
            ("expires_in", session.ExpiresIn.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
    }

    /// <summary>
    /// Existing link → that account. Otherwise only a provider-verified email may link to (or create) an account:
    /// linking on an unverified address would let anyone who types a victim's email into a provider take the account.
    /// </summary>
    private static async Task<AccountDocument?> ResolveAccountAsync(string ns, string provider, ExternalIdentity identity, AccountStore accounts, CancellationToken cancellationToken)
    {
        if (await accounts.FindEmailKeyByExternalLoginAsync(ns, provider, identity.Subject, cancellationToken) is { } linkedKey
            && await accounts.FindByEmailKeyAsync(ns, linkedKey, cancellationToken) is { } linked)
        {
            return linked;
        }

        if (!identity.EmailVerified || !EmailAddress.TryNormalize(identity.Email, out var email, out _))
        {
            return null;
        }

        var account = await accounts.FindByEmailAsync(ns, email, cancellationToken);
        if (account is null)
        {
            var created = await accounts.CreateAsync(ns, email, passwordHash: null, emailVerified: true, externalLogin: null, cancellationToken);
            account = created.Account ?? await accounts.FindByEmailAsync(ns, email, cancellationToken);
        }
        else if (!account.EmailVerified)
        {
            account = await accounts.SetAsync(account, [PatchOperation.Set("/emailVerified", true)], cancellationToken);
        }

        if (account is not null)
        {
            await accounts.LinkExternalLoginAsync(account, provider, identity.Subject, cancellationToken);
        }

        return account;
    }

    private static async Task<string?> ExchangeCodeAsync(IHttpClientFactory clients, string tokenEndpoint, OAuthProviderOptions settings,
        string callback, string code, string verifier, CancellationToken cancellationToken)
    {
        using var client = clients.CreateClient(OidcProviders.HttpClientName);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = callback,
            ["client_id"] = settings.ClientId,
            ["client_secret"] = settings.ClientSecret,
            ["code_verifier"] = verifier,
        });
        try
        {
            using var response = await client.PostAsync(new Uri(tokenEndpoint), form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            return json.RootElement.TryGetProperty("id_token", out var idToken) && idToken.ValueKind == JsonValueKind.String ? idToken.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Exact scheme, host, port and path of an allow-listed URI; a query is allowed, a fragment or user info is not.</summary>
    internal static bool IsAllowedRedirect(string candidate, IEnumerable<Uri> allowList)
    {
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        return allowList.Any(allowed =>
            string.Equals(allowed.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(allowed.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase)
            && allowed.Port == uri.Port
            && string.Equals(allowed.AbsolutePath, uri.AbsolutePath, StringComparison.Ordinal));
    }

    private static string CallbackUri(OAuthOptions options, string provider) =>
        new Uri(options.CallbackBaseUrl!, $"oauth/{provider.ToLowerInvariant()}/callback").ToString();

    private static string CookieName(string provider) => "hit_oauth_" + provider.ToLowerInvariant();

    private static RedirectHttpResult BackToApp(string redirectUri, IEnumerable<(string Key, string Value)> values) =>
        TypedResults.Redirect(redirectUri + "#" + string.Join('&', values.Select(v => Uri.EscapeDataString(v.Key) + "=" + Uri.EscapeDataString(v.Value))));

    private static ProblemHttpResult Failed(string field, string detail) =>
        Problems.Create(StatusCodes.Status400BadRequest, AuthProblemCodes.OAuthFailed, detail, field);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Code exchange with {Provider} failed.")]
        public static partial void CodeExchangeFailed(ILogger logger, string provider);

        [LoggerMessage(2, LogLevel.Warning, "id_token from {Provider} rejected: {Reason}")]
        public static partial void IdTokenRejected(ILogger logger, string provider, string reason);

        [LoggerMessage(3, LogLevel.Warning, "The {Provider} discovery document or keys are unavailable.")]
        public static partial void ProviderUnavailable(ILogger logger, string provider);
    }
}
