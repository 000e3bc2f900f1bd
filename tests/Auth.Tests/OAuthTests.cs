using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.AspNetCore.WebUtilities;

namespace Auth.Tests;

/// <summary>Authorization code + PKCE sign-in against a real OIDC provider running locally (oauth2-mock-server).</summary>
public sealed class OAuthTests(OidcProviderFixture oidc) : IClassFixture<OidcProviderFixture>
{
    private const string AppRedirect = "https://app.example/after-login";

    /// <summary>The browser's part of the dance, step by step, so tests can replay or tamper with any leg.</summary>
    private sealed record Attempt(string Cookie, string CallbackPathAndQuery);

    private async Task<Attempt> StartAndAuthorizeAsync(string ns, string loginHint, string provider = "google")
    {
        using var client = oidc.App.Client(ns);
        using var start = await client.GetAsync($"/oauth/{provider}?redirect_uri={Uri.EscapeDataString(AppRedirect)}&login_hint={Uri.EscapeDataString(loginHint)}");
        Assert.True(HttpStatusCode.Redirect == start.StatusCode, await start.Content.ReadAsStringAsync());
        var authorize = start.Headers.Location!;
        Assert.StartsWith(oidc.Issuer, authorize.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
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
        return new Attempt(cookie.Split(';')[0], callback.PathAndQuery);
    }

    private async Task<HttpResponseMessage> CallbackAsync(string ns, Attempt attempt, string? cookie = null)
    {
        using var client = oidc.App.Client(ns);
        using var request = new HttpRequestMessage(HttpMethod.Get, attempt.CallbackPathAndQuery);
        if ((cookie ?? attempt.Cookie) is { Length: > 0 } value)
        {
            request.Headers.Add("Cookie", value);
        }

        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> Fragment(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(AppRedirect + "#", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(location[(location.IndexOf('#', StringComparison.Ordinal) + 1)..]).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task SignIn_NewUser_CreatesAVerifiedAccount_AndReturnsTokensInTheFragment(string provider)
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("oidc");

        using var callback = await CallbackAsync(ns, await StartAndAuthorizeAsync(ns, email, provider));

        var values = Fragment(callback);
        Assert.Equal("Bearer", values["token_type"]);
        Assert.StartsWith("hrt1.", values["refresh_token"], StringComparison.Ordinal);
        using var me = await oidc.App.Client(ns, values["access_token"]).GetAsync("/users/me");
        var account = (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!;
        Assert.Equal(email, account.Email);
        Assert.True(account.EmailVerified);
    }

    [Fact]
    public async Task SignIn_VerifiedEmailOfAnExistingPasswordAccount_LinksToIt_AndTheLinkIsUsedNextTime()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("link");
        var registered = await oidc.App.RegisterAsync(ns, email);

        using var first = await CallbackAsync(ns, await StartAndAuthorizeAsync(ns, email));
        using var me = await oidc.App.Client(ns, Fragment(first)["access_token"]).GetAsync("/users/me");
        var account = (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!;
        Assert.Equal(registered.User.Id, account.Id);
        Assert.True(account.EmailVerified);

        using var second = await CallbackAsync(ns, await StartAndAuthorizeAsync(ns, email));
        using var verify = await oidc.App.Client(ns).PostAsJsonAsync("/auth/verify", new { token = Fragment(second)["access_token"] });
        Assert.Equal(registered.User.Id, (await verify.Content.ReadFromJsonAsync(HitJsonContext.Default.VerifyTokenResponse))!.Sub);
    }

    [Fact]
    public async Task SignIn_UnverifiedProviderEmail_DoesNotLinkOrCreate()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("victim");
        var victim = await oidc.App.RegisterAsync(ns, email);

        using var callback = await CallbackAsync(ns, await StartAndAuthorizeAsync(ns, "unverified+" + email));

        Assert.Equal("email_not_verified", Fragment(callback)["error"]);
        Assert.NotNull(victim);
    }

    [Fact]
    public async Task ReplayedState_IsRejected()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("replay"));
        using (var first = await CallbackAsync(ns, attempt))
        {
            Assert.True(Fragment(first).ContainsKey("access_token"));
        }

        using var replay = await CallbackAsync(ns, attempt);
        await replay.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");
    }

    [Fact]
    public async Task ReplayedCode_UnderAFreshState_IsRejectedByThePkceBinding()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("code");
        var used = await StartAndAuthorizeAsync(ns, email);
        using (var first = await CallbackAsync(ns, used))
        {
            Assert.True(Fragment(first).ContainsKey("access_token"));
        }

        // A fresh, legitimate state and cookie, but the old (spent) code swapped in.
        var fresh = await StartAndAuthorizeAsync(ns, email);
        var oldCode = QueryHelpers.ParseQuery(new Uri("http://x" + used.CallbackPathAndQuery).Query)["code"].ToString();
        var freshQuery = QueryHelpers.ParseQuery(new Uri("http://x" + fresh.CallbackPathAndQuery).Query);
        var swapped = fresh with { CallbackPathAndQuery = QueryHelpers.AddQueryString("/oauth/google/callback", new Dictionary<string, string?> { ["code"] = oldCode, ["state"] = freshQuery["state"] }) };

        using var callback = await CallbackAsync(ns, swapped);
        Assert.Equal("code_exchange_failed", Fragment(callback)["error"]);
    }

    [Fact]
    public async Task Callback_WithoutTheStateCookie_IsRejected()
    {
        var ns = AuthFactory.NewNamespace();
        var attempt = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("csrf"));

        using var noCookie = await CallbackAsync(ns, attempt, cookie: "");
        await noCookie.AssertProblem(HttpStatusCode.BadRequest, "oauth_failed", "state");

        // Another attempt's cookie (the attacker's own browser session) does not fit either.
        var other = await StartAndAuthorizeAsync(ns, AuthFactory.NewEmail("csrf2"));
        using var wrongCookie = await CallbackAsync(ns, attempt, cookie: other.Cookie);
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
        using var callback = await CallbackAsync(ns, await StartAndAuthorizeAsync(ns, flag + AuthFactory.NewEmail("idt")));
        Assert.Equal("invalid_id_token", Fragment(callback)["error"]);
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
        using var ok = await client.GetAsync($"/oauth/google?redirect_uri={Uri.EscapeDataString("http://localhost:3000/callback?next=/home")}");
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
        using var response = await app.Client(AuthFactory.NewNamespace()).GetAsync($"/oauth/google?redirect_uri={Uri.EscapeDataString(AppRedirect)}");
        await response.AssertProblem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
    }
}
