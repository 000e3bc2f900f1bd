using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Cosmos;
using Hit.Platform.Http;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Hit.Auth.OAuth;

/// <summary>
/// Sign-in with an OpenID Connect provider: authorization code + PKCE (S256) towards the provider, <c>state</c> bound
/// to the browser by an encrypted cookie and spent server-side on first use, <c>nonce</c> checked in the id_token, and
/// a redirect allow-list. The app gets no tokens in any URL: the callback redirects with a one-time code (60 s,
/// redeemable once) that the app exchanges at <c>POST /oauth/token</c> with the PKCE verifier of the S256 challenge
/// it sent when it started the flow — so a code that leaks from the URL (history, logs, Referer) is useless.
/// The namespace travels inside the state, which is encrypted and authenticated (AES-GCM), because the provider's
/// redirect back carries no <c>X-Hit-Namespace</c> header.
/// </summary>
internal sealed partial class OAuthFunctions(
    OidcProviders providers, SecretProtector protector, OAuthStateStore store, IOptions<OAuthOptions> options, IHttpClientFactory clients,
    AccountStore accounts, AccountService service, TimeProvider time, ILogger<OAuthFunctions> logger)
{
    private const string CookiePurpose = "oauth-state-cookie";
    private const string VerifierPurpose = "oauth-verifier";
    private const string StatePurpose = "oauth-state";

    /// <summary>
    /// Redirects to the provider (authorization code + PKCE). Query: redirect_uri (allow-listed), code_challenge +
    /// code_challenge_method=S256 (the app's PKCE; plain is refused), optional state (echoed back), login_hint and ns
    /// (the namespace, for a browser navigation that cannot send X-Hit-Namespace).
    /// </summary>
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

        var method = context.Request.Query["code_challenge_method"].ToString();
        if (method.Length > 0 && method != "S256")
        {
            return Problems.Create(StatusCodes.Status400BadRequest, AuthProblemCodes.UnsupportedCodeChallengeMethod,
                "Only code_challenge_method=S256 is supported (plain would put the verifier itself in the URL).", "code_challenge_method");
        }

        var challenge = context.Request.Query["code_challenge"].ToString();
        if (!IsS256Challenge(challenge))
        {
            return Problems.BadRequest("code_challenge", "code_challenge is required: base64url(SHA-256(code_verifier)), 43 characters.");
        }

        var clientState = context.Request.Query["state"].ToString();
        if (clientState.Length > 512)
        {
            return Problems.BadRequest("state", "state must be at most 512 characters.");
        }

        // A browser navigation cannot send X-Hit-Namespace, so the namespace may come as ?ns= (the mail links carry it
        // the same way); it must not contradict a header.
        var queryNs = context.Request.Query["ns"].ToString();
        var namespaceValue = ns.Value;
        if (queryNs.Length > 0)
        {
            if (!TenantNamespace.IsValid(queryNs))
            {
                return Problems.BadRequest("ns", "ns is not a valid namespace.");
            }

            if (context.Request.Headers.ContainsKey(TenantNamespace.HeaderName) && queryNs != ns.Value)
            {
                return Problems.BadRequest("ns", "ns and the X-Hit-Namespace header name different namespaces.");
            }

            namespaceValue = queryNs;
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

        // The state names the namespace (the callback has no other way to know it), sealed so it cannot be changed or read.
        var state = protector.ProtectForUrl(StatePurpose, provider.ToLowerInvariant(), Encoding.UTF8.GetBytes(namespaceValue + "\n" + Secrets.NewToken()));
        var nonce = Secrets.NewToken();
        var verifier = Secrets.NewToken();
        var stateHash = Secrets.Hash(state);
        var lifetime = options.Value.StateLifetime;
        var container = await store.GetContainerAsync(cancellationToken);
        var document = new OAuthStateDocument
        {
            Id = OAuthStateDocument.IdFor(stateHash),
            Pk = OAuthStateDocument.PkFor(namespaceValue, stateHash),
            Ns = namespaceValue,
            Provider = provider.ToLowerInvariant(),
            RedirectUri = redirect,
            CodeChallenge = challenge,
            ClientState = clientState.Length > 0 ? clientState : null,
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

    /// <summary>
    /// The provider's redirect back: validates state, exchanges the provider's code, validates the id_token, and
    /// redirects to the app with a one-time code (never tokens). The namespace comes from the state.
    /// </summary>
    [Function(nameof(OAuthCallback))]
    public async Task<Results<RedirectHttpResult, ProblemHttpResult>> OAuthCallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oauth/{provider}/callback")] HttpRequest request,
        string provider, CancellationToken cancellationToken)
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
        if (state.Length is 0 or > 1024 || cookie is null
            || protector.Unprotect(CookiePurpose, provider.ToLowerInvariant(), cookie) is not { } cookieState
            || !CryptographicOperations.FixedTimeEquals(cookieState, Encoding.UTF8.GetBytes(state))
            || NamespaceOf(protector.UnprotectFromUrl(StatePurpose, provider.ToLowerInvariant(), state)) is not { } ns)
        {
            return Failed("state", "The sign-in state is missing or does not belong to this browser.");
        }

        // Spend the state first: whatever happens next, this state (and the code that came with it) cannot be replayed.
        var stateHash = Secrets.Hash(state);
        var container = await store.GetContainerAsync(cancellationToken);
        var attempt = await container.ReadItemOrDefaultAsync<OAuthStateDocument>(OAuthStateDocument.IdFor(stateHash), OAuthStateDocument.PkFor(ns, stateHash), cancellationToken);
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
            return BackToApp(attempt, [("error", providerError is "access_denied" ? "access_denied" : "provider_error")]);
        }

        var code = context.Request.Query["code"].ToString();
        var verifier = protector.Unprotect(VerifierPurpose, stateHash, attempt.ProtectedVerifier);
        if (code.Length is 0 or > 2048 || verifier is null)
        {
            return BackToApp(attempt, [("error", "invalid_request")]);
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
                return BackToApp(attempt, [("error", "code_exchange_failed")]);
            }

            (identity, error) = await providers.ValidateIdTokenAsync(provider, idToken, attempt.NonceHash, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // The discovery document or JWKS could not be fetched: the provider is down, not the user's fault.
            Log.ProviderUnavailable(logger, provider);
            return BackToApp(attempt, [("error", "provider_unavailable")]);
        }

        if (identity is null)
        {
            Log.IdTokenRejected(logger, provider, error!);
            return BackToApp(attempt, [("error", "invalid_id_token")]);
        }

        var account = await ResolveAccountAsync(ns, provider.ToLowerInvariant(), identity, accounts, cancellationToken);
        if (account is null)
        {
            return BackToApp(attempt, [("error", "email_not_verified")]);
        }

        // No session yet: the code names the user, and the session starts when the code is redeemed with its verifier.
        var oneTimeCode = Secrets.NewToken();
        var codeHash = Secrets.Hash(oneTimeCode);
        var codeLifetime = options.Value.CodeLifetime;
        await container.CreateItemAsync(new OAuthCodeDocument
        {
            Id = OAuthCodeDocument.IdFor(codeHash),
            Pk = OAuthCodeDocument.PkFor(ns, codeHash),
            Ns = ns,
            UserId = account.UserId,
            CodeChallenge = attempt.CodeChallenge,
            Provider = attempt.Provider,
            ExpiresAt = time.GetUtcNow() + codeLifetime,
            Ttl = (int)Math.Ceiling(codeLifetime.TotalSeconds) + 3600,
        }, new PartitionKey(OAuthCodeDocument.PkFor(ns, codeHash)), cancellationToken: cancellationToken);
        return BackToApp(attempt, [("code", oneTimeCode)]);
    }

    /// <summary>
    /// Redeems the callback's one-time code: <c>{"code","code_verifier"}</c> → the session's tokens (as login answers).
    /// The code is deleted under its ETag before anything is checked or issued: of concurrent redemptions one wins, and
    /// a code is tried only once (a wrong verifier burns it too). Unknown, used, expired or mismatched → 400 invalid_grant.
    /// The code lives in the namespace of its sign-in: the exchange names it with X-Hit-Namespace, as every API call does.
    /// </summary>
    [Function(nameof(ExchangeOAuthCode))]
    public async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> ExchangeOAuthCode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "oauth/token")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.OAuthTokenRequest, cancellationToken);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (string.IsNullOrEmpty(body!.Code))
        {
            return Problems.BadRequest("code", "code is required.");
        }

        if (string.IsNullOrEmpty(body.CodeVerifier))
        {
            return Problems.BadRequest("code_verifier", "code_verifier is required.");
        }

        if (body.Code.Length != 43 || !IsVerifier(body.CodeVerifier))
        {
            return InvalidGrant();
        }

        var container = await store.GetContainerAsync(cancellationToken);
        var codeHash = Secrets.Hash(body.Code);
        var document = await container.ReadItemOrDefaultAsync<OAuthCodeDocument>(OAuthCodeDocument.IdFor(codeHash), OAuthCodeDocument.PkFor(ns.Value, codeHash), cancellationToken);
        if (document is null || !await TryDeleteAsync(container, document, cancellationToken))
        {
            return InvalidGrant();
        }

        var challenge = Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(body.CodeVerifier)));
        if (document.ExpiresAt <= time.GetUtcNow() || !Secrets.HashEquals(challenge, document.CodeChallenge))
        {
            return InvalidGrant();
        }

        if (await accounts.FindByUserIdAsync(ns.Value, document.UserId, cancellationToken) is not { } account)
        {
            return InvalidGrant();
        }

        var session = await service.StartSessionAsync(account, cancellationToken);
        return TypedResults.Ok(new TokenResponse(session.AccessToken, "Bearer", session.ExpiresIn, session.RefreshToken, AccountService.ToResponse(account)));
    }

    /// <summary>Deletes the code only if it is still the version read: true for exactly one of concurrent redemptions.</summary>
    private static async Task<bool> TryDeleteAsync(Container container, OAuthCodeDocument document, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await container.DeleteItemStreamAsync(document.Id, new PartitionKey(document.Pk),
                new ItemRequestOptions { IfMatchEtag = document.ETag }, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (CosmosException ex) when (ex.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private static ProblemHttpResult InvalidGrant() =>
        Problems.Create(StatusCodes.Status400BadRequest, AuthProblemCodes.InvalidGrant, "The code is invalid, expired, already used, or the code_verifier does not match it.");

    /// <summary>An S256 challenge: 43 base64url characters (256 bits).</summary>
    internal static bool IsS256Challenge(string value) => value.Length == 43 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>RFC 7636 section 4.1: 43 to 128 unreserved characters.</summary>
    internal static bool IsVerifier(string value) => value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>The namespace sealed in a state (<c>ns \n random</c>), or null.</summary>
    private static string? NamespaceOf(byte[]? sealedState)
    {
        if (sealedState is null)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(sealedState);
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end > 0 && TenantNamespace.IsValid(text[..end]) ? text[..end] : null;
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

    /// <summary>To the allow-listed redirect with <c>code</c> or <c>error</c> (and the app's <c>state</c>) in the query: nothing in it is a token.</summary>
    private static RedirectHttpResult BackToApp(OAuthStateDocument attempt, IEnumerable<(string Key, string Value)> values)
    {
        var query = values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)).ToList();
        if (attempt.ClientState is { } clientState)
        {
            query.Add(new("state", clientState));
        }

        return TypedResults.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(attempt.RedirectUri, query));
    }

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
