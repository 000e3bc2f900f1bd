using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

/// <summary>
/// Authorization code + PKCE sign-in against a real OIDC provider running locally (oauth2-mock-server): the callback
/// redirects with a one-time code that the app redeems at <c>POST /oauth/token</c> with its own PKCE verifier.
/// </summary>
public sealed class OAuthTests(OidcProviderFixture oidc) : IClassFixture<OidcProviderFixture>
{
    private const string AppRedirect = "https://app.example/after-login";

    /// <summary>The browser's part of the dance, step by step, so tests can replay or tamper with any leg.</summary>
    private sealed record Attempt(string Cookie, string CallbackPathAndQuery, string Verifier);

    /// <summary>The app's PKCE pair: a 256-bit verifier it keeps, and the S256 challenge it sends.</summary>
    private static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string StartUri(string provider, string challenge, string? extra = null) =>
        $"/oauth/{provider}?redirect_uri={Uri.EscapeDataString(AppRedirect)}&code_challenge={challenge}&code_challenge_method=S256{extra}";

    /// <param name="ns">Sent as X-Hit-Namespace; null = a browser navigation without the header (then <paramref name="extra"/> may carry <c>&amp;ns=</c>).</param>
    private async Task<Attempt> StartAndAuthorizeAsync(string? ns, string loginHint, string provider = "google", string? extra = null, OAuthFactory? app = null)
    {
        app ??= oidc.App;
        var (verifier, challenge) = NewPkce();
        using var client = ns is null ? Browser(app) : app.Client(ns);
        using var start = await client.GetAsync(StartUri(provider, challenge, $"&login_hint={Uri.EscapeDataString(loginHint)}{extra}"));
        Assert.True(HttpStatusCode.Redirect == start.StatusCode, await start.Content.ReadAsStringAsync());
        var authorize = start.Headers.Location!;
        Assert.StartsWith(oidc.Issuer, authorize.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        // The app's own PKCE towards the provider: a challenge of its own verifier, not the client's.
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.NotEqual(challenge, query["code_challenge"].ToString());
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.False(string.IsNullOrEmpty(query["state"]));
        var cookie = start.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"hit_oauth_{provider}=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        // The provider (a real HTTP server) authorizes and redirects back to the app's callback.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Found, authorized.StatusCode);
        var callback = authorized.Headers.Location!;
        Assert.Equal($"/oauth/{provider}/callback", callback.AbsolutePath);
        return new Attempt(cookie.Split(';')[0], callback.PathAndQuery, verifier);
    }

    /// <summary>A browser navigation: no X-Hit-Namespace header (the provider's redirect back never carries one).</summary>
    private static HttpClient Browser(AuthFactory app)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", AuthFactory.RandomIp());
        return client;
    }

    /// <summary>The provider's redirect back, as the browser follows it: with the cookie, without any namespace header.</summary>
    private async Task<HttpResponseMessage> CallbackAsync(Attempt attempt, string? cookie = null, OAuthFactory? app = null)
    {
        using var client = Browser(app ?? oidc.App);
        using var request = new HttpRequestMessage(HttpMethod.Get, attempt.CallbackPathAndQuery);
        if ((cookie ?? attempt.Cookie) is { Length: > 0 } value)
        {
            request.Headers.Add("Cookie", value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The redirect back to the app: its query (code or error, the app's state). No token anywhere in the URL.</summary>
    private static Dictionary<string, string> Redirect(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(AppRedirect + "?", location, StringComparison.Ordinal);
        Assert.DoesNotContain('#', location);
        foreach (var leak in new[] { "access_token", "refresh_token", "token_type", "hrt1.", "eyJ" })
        {
            Assert.DoesNotContain(leak, location, StringComparison.Ordinal);
        }

        var values = QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        Assert.True(values.ContainsKey("code") ^ values.ContainsKey("error"), location);
        return values;
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string ns, string code, string verifier, OAuthFactory? app = null)
    {
        using var client = (app ?? oidc.App).Client(ns);
        return await client.PostAsJsonAsync("/oauth/token", new Dictionary<string, string> { ["code"] = code, ["code_verifier"] = verifier });
    }

    /// <summary>Start → provider → callback → exchange: the tokens the app ends up with.</summary>
    private async Task<TokenResponse> SignInAsync(string ns, string loginHint, string provider = "google")
    {
        var attempt = await StartAndAuthorizeAsync(ns, loginHint, provider);
        using var callback = await CallbackAsync(attempt);
        using var exchange = await ExchangeAsync(ns, Redirect(callback)["code"], attempt.Verifier);
        Assert.True(exchange.StatusCode == HttpStatusCode.OK, await exchange.Content.ReadAsStringAsync());
        return (await exchange.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task SignIn_NewUser_RedirectCarriesOnlyACode_TheExchangeReturnsTokens_ForAVerifiedAccount(string provider)
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("oidc");

        var tokens = await SignInAsync(ns, email, provider);

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.StartsWith("hrt1.", tokens.RefreshToken, StringComparison.Ordinal);
        Assert.Equal(email, tokens.User.Email);
        using var me = await oidc.App.Client(ns, tokens.AccessToken).GetAsync("/users/me");
        var account = (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!;
        Assert.Equal(email, account.Email);
        Assert.True(account.EmailVerified);
        // The pair is a real session: the refresh token rotates.
        using var refresh = await oidc.App.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken = tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task SignIn_VerifiedEmailOfAnExistingPasswordAccount_LinksToIt_AndTheLinkIsUsedNextTime()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("link");
        var registered = await oidc.App.RegisterAsync(ns, email);

        var first = await SignInAsync(ns, email);
        using var me = await oidc.App.Client(ns, first.AccessToken).GetAsync("/users/me");
        var account = (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!;
        Assert.Equal(registered.User.Id, account.Id);
        Assert.True(account.EmailVerified);

        var second = await SignInAsync(ns, email);
        using var verify = await oidc.App.Client(ns).PostAsJsonAsync("/auth/verify", new { token = second.AccessToken });
        Assert.Equal(registered.User.Id, (await verify.Content.ReadFromJsonAsync(HitJsonContext.Default.VerifyTokenResponse))!.Sub);
    }

    [Fact]
    public async Task SignIn_UnverifiedProviderEmail_DoesNotLinkOrCreate()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("victim");
        var victim = await oidc.App.RegisterAsync(ns, email);

        using var callback = await CallbackAsync(await StartAndAuthorizeAsync(ns, "unverified+" + email));

        Assert.Equal("email_not_verified", Redirect(callback)["error"]);
        Assert.NotNull(victim);
    }

    [Fact]
    public async Task ReplayedState_IsRejected()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("replay"));
        using (var first = await CallbackAsync(attempt))
        {
            Assert.True(Redirect(first).ContainsKey("code"));
        }

        using var replay = await CallbackAsync(attempt);
        await replay.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");
    }

    [Fact]
    public async Task ReplayedProviderCode_UnderAFreshState_IsRejectedByThePkceBinding()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("code");
        var used = await StartAndAuthorizeAsync(ns, email);
        using (var first = await CallbackAsync(used))
        {
            Assert.True(Redirect(first).ContainsKey("code"));
        }

        // A fresh, legitimate state and cookie, but the old (spent) provider code swapped in.
        var fresh = await StartAndAuthorizeAsync(ns, email);
        var oldCode = QueryHelpers.ParseQuery(new Uri("http://x" + used.CallbackPathAndQuery).Query)["code"].ToString();
        var freshQuery = QueryHelpers.ParseQuery(new Uri("http://x" + fresh.CallbackPathAndQuery).Query);
        var swapped = fresh with { CallbackPathAndQuery = QueryHelpers.AddQueryString("/oauth/google/callback", new Dictionary<string, string?> { ["code"] = oldCode, ["state"] = freshQuery["state"] }) };

        using var callback = await CallbackAsync(swapped);
        Assert.Equal("code_exchange_failed", Redirect(callback)["error"]);
    }

    [Fact]
    public async Task Callback_WithoutTheStateCookie_IsRejected()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("csrf"));

        using var noCookie = await CallbackAsync(attempt, cookie: "");
        await noCookie.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");

        // Another attempt's cookie (the attacker's own browser session) does not fit either.
        var other = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("csrf2"));
        using var wrongCookie = await CallbackAsync(attempt, cookie: other.Cookie);
        await wrongCookie.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");
    }

    [Theory]
    [InlineData("badnonce+")]
    [InlineData("wrongaud+")]
    [InlineData("expired+")]
    [InlineData("wrongiss+")]
    public async Task IdTokenWithWrongNonceAudienceIssuerOrExpiry_IsRejected(string flag)
    {
        var ns = AuthFactory.NewNamespace();
        using var callback = await CallbackAsync(await StartAndAuthorizeAsync(ns, flag + AuthFactory.NewEmail("idt")));
        Assert.Equal("invalid_id_token", Redirect(callback)["error"]);
    }

    [Fact]
    public async Task Code_IsSingleUse_TheSecondExchangeIsInvalidGrant()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("once"));
        using var callback = await CallbackAsync(attempt);
        var code = Redirect(callback)["code"];

        using var first = await ExchangeAsync(ns, code, attempt.Verifier);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await ExchangeAsync(ns, code, attempt.Verifier);
        await second.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Code_RedeemedConcurrently_ExactlyOneExchangeWins()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("race"));
        using var callback = await CallbackAsync(attempt);
        var code = Redirect(callback)["code"];

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ExchangeAsync(ns, code, attempt.Verifier)));
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                await refused.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Code_WithAWrongVerifier_IsInvalidGrant_AndIsBurned()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("verifier"));
        using var callback = await CallbackAsync(attempt);
        var code = Redirect(callback)["code"];

        // Whoever saw the code in the URL (history, a log, a Referer) has no verifier: theirs is refused...
        using var stolen = await ExchangeAsync(ns, code, NewPkce().Verifier);
        await stolen.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
        // ...and the code was spent on that try, so it cannot be ground against either.
        using var late = await ExchangeAsync(ns, code, attempt.Verifier);
        await late.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Code_AfterItsLifetime_IsInvalidGrant()
    {
        await using var app = new OAuthFactory(oidc.Issuer, new Dictionary<string, string?> { ["Auth:OAuth:CodeLifetime"] = "00:00:01" });
        await app.InitializeAsync();
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("late"), app: app);
        using var callback = await CallbackAsync(attempt, app: app);
        var code = Redirect(callback)["code"];

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var expired = await ExchangeAsync(ns, code, attempt.Verifier, app);
        await expired.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_MissingFieldsAre400NamingThem_AMalformedCodeIsInvalidGrant()
    {
        var ns = AuthFactory.NewNamespace();
        using var client = oidc.App.Client(ns);
        using var noCode = await client.PostAsJsonAsync("/oauth/token", new Dictionary<string, string> { ["code_verifier"] = NewPkce().Verifier });
        await noCode.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "code");
        using var noVerifier = await client.PostAsJsonAsync("/oauth/token", new Dictionary<string, string> { ["code"] = new string('A', 43) });
        await noVerifier.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "code_verifier");
        using var unknown = await ExchangeAsync(ns, "short", NewPkce().Verifier);
        await unknown.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Start_WithoutAChallenge_OrWithPlain_IsRefused()
    {
        using var client = oidc.App.Client(AuthFactory.NewNamespace());
        var redirect = Uri.EscapeDataString(AppRedirect);

        using var missing = await client.GetAsync($"/oauth/google?redirect_uri={redirect}");
        await missing.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "code_challenge");
        using var malformed = await client.GetAsync($"/oauth/google?redirect_uri={redirect}&code_challenge=short&code_challenge_method=S256");
        await malformed.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "code_challenge");
        // plain would send the verifier itself through the browser: refused, even with a well-formed value.
        var (verifier, _) = NewPkce();
        using var plain = await client.GetAsync($"/oauth/google?redirect_uri={redirect}&code_challenge={verifier}&code_challenge_method=plain");
        await plain.AssertProblem(HttpStatusCode.BadRequest, "unsupported_code_challenge_method", "code_challenge_method");
    }

    [Fact]
    public async Task SignIn_InANonDefaultNamespace_NamedOnTheStartUrl_IssuesTokensOfThatNamespace()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("tenant");

        // The whole browser leg without X-Hit-Namespace: the namespace travels in the sealed state.
        var attempt = await StartAndAuthorizeAsync(ns: null, email, extra: $"&ns={ns}&state=app-state-42");
        using var callback = await CallbackAsync(attempt);
        var values = Redirect(callback);
        Assert.Equal("app-state-42", values["state"]);

        // The code lives in that namespace: the default namespace does not know it (and it is not burned by asking).
        using var elsewhere = await ExchangeAsync("default", values["code"], attempt.Verifier);
        await elsewhere.AssertProblem(HttpStatusCode.BadRequest, "invalid_grant");
        using var exchange = await ExchangeAsync(ns, values["code"], attempt.Verifier);
        Assert.True(exchange.StatusCode == HttpStatusCode.OK, await exchange.Content.ReadAsStringAsync());
        var tokens = (await exchange.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;

        Assert.Equal(ns, tokens.User.Namespace);
        Assert.Equal(ns, new JsonWebToken(tokens.AccessToken).GetClaim("ns").Value);
        Assert.StartsWith($"hrt1.{ns}.", tokens.RefreshToken, StringComparison.Ordinal);
        using var me = await oidc.App.Client(ns, tokens.AccessToken).GetAsync("/users/me");
        Assert.Equal(ns, (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!.Namespace);
    }

    [Fact]
    public async Task Start_NsQueryContradictingTheHeader_OrInvalid_Is400()
    {
        var (_, challenge) = NewPkce();
        using var client = oidc.App.Client(AuthFactory.NewNamespace());
        using var contradicting = await client.GetAsync(StartUri("google", challenge, "&ns=" + AuthFactory.NewNamespace()));
        await contradicting.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "ns");
        using var browser = Browser(oidc.App);
        using var invalid = await browser.GetAsync(StartUri("google", challenge, "&ns=Not_Valid"));
        await invalid.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "ns");
    }

    [Fact]
    public async Task TamperedState_IsRejected()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("tamper"));
        var query = QueryHelpers.ParseQuery(new Uri("http://x" + attempt.CallbackPathAndQuery).Query);
        var state = query["state"].ToString();
        var flipped = state[..^2] + (state[^2] == 'A' ? 'B' : 'A') + state[^1];
        var tampered = attempt with { CallbackPathAndQuery = QueryHelpers.AddQueryString("/oauth/google/callback", new Dictionary<string, string?> { ["code"] = query["code"], ["state"] = flipped }) };

        using var callback = await CallbackAsync(tampered);
        await callback.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");
    }

    [Theory]
    [InlineData("https://evil.example/after-login")]
    [InlineData("https://app.example/other-page")]
    [InlineData("https://app.example.evil.com/after-login")]
    [InlineData("https://app.example:8443/after-login")]
    [InlineData("http://app.example/after-login")]
    [InlineData("https://user@app.example/after-login")]
    [InlineData("//evil.example/after-login")]
    [InlineData("javascript:alert(1)")]
    public async Task Start_RedirectNotOnTheAllowList_Is400(string redirect)
    {
        using var response = await oidc.App.Client(AuthFactory.NewNamespace()).GetAsync($"/oauth/google?redirect_uri={Uri.EscapeDataString(redirect)}");
        await response.AssertProblem(HttpStatusCode.BadRequest, "redirect_not_allowed", "redirect_uri");
    }

    [Fact]
    public async Task Start_AllowListedRedirectWithQuery_IsAccepted_MissingRedirect_Is400_UnknownProvider_Is404()
    {
        using var client = oidc.App.Client(AuthFactory.NewNamespace());
        using var ok = await client.GetAsync($"/oauth/google?redirect_uri={Uri.EscapeDataString("http://localhost:3000/callback?next=/home")}&code_challenge={NewPkce().Challenge}");
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        using var missing = await client.GetAsync("/oauth/google");
        await missing.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "redirect_uri");
        using var unknown = await client.GetAsync($"/oauth/github?redirect_uri={Uri.EscapeDataString(AppRedirect)}");
        await unknown.AssertProblem(HttpStatusCode.NotFound, "unknown_provider", "provider");
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/t1/v2.0", "t1", true)]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/t2/v2.0", "t1", false)]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/t1/v2.0", null, false)]
    [InlineData("https://accounts.google.com", "https://accounts.google.com", null, true)]
    [InlineData("https://accounts.google.com", "https://accounts.google.com/", null, false)]
    public void EntraMultiTenantIssuer_IsFilledFromTheTokensTid(string configured, string actual, string? tid, bool matches)
    {
        var claims = new Dictionary<string, object> { ["iss"] = actual };
        if (tid is not null)
        {
            claims["tid"] = tid;
        }

        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor { Claims = claims }));
        Assert.Equal(matches, Hit.Auth.OAuth.OidcProviders.IssuerMatches(configured, actual, token));
    }

    [Fact]
    public async Task Start_ProviderUnreachable_Is503()
    {
        // Port 9 (discard) on loopback: nothing listens there.
        await using var app = new OAuthFactory("http://127.0.0.1:9");
        await app.InitializeAsync();
        using var response = await app.Client(AuthFactory.NewNamespace()).GetAsync(StartUri("google", NewPkce().Challenge));
        await response.AssertProblem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
    }
}
