using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

/// <summary>An auth app whose refresh grace window is two seconds, so a test can step outside it.</summary>
public sealed class ShortGraceFactory() : AuthFactory(new Dictionary<string, string?> { ["Auth:RefreshReuseGrace"] = "00:00:02" });

public sealed class SessionTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    private static async Task<TokenResponse> Refresh(AuthFactory app, string ns, string refreshToken, HttpStatusCode expected = HttpStatusCode.OK, HttpClient? client = null)
    {
        using var own = client is null ? app.Client(ns) : null;
        using var response = await (client ?? own!).PostAsJsonAsync("/auth/refresh", new { refreshToken });
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
        return expected == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))! : null!;
    }

    [Fact]
    public async Task Refresh_RotatesTheRefreshToken_AndKeepsTheSession()
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("refresh"));

        var second = await Refresh(factory, ns, first.RefreshToken);
        var third = await Refresh(factory, ns, second.RefreshToken);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(second.RefreshToken, third.RefreshToken);
        var sid = new JsonWebToken(first.AccessToken).GetClaim("sid").Value;
        Assert.Equal(sid, new JsonWebToken(third.AccessToken).GetClaim("sid").Value);
        using var me = await factory.Client(ns, third.AccessToken).GetAsync("/users/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    /// <summary>One browser: one client address and one User-Agent (the refresh binding).</summary>
    private static HttpClient SameClient(AuthFactory app, string ns, string ip, string userAgent = "HitTestBrowser/1.0")
    {
        var client = app.Client(ns, ip: ip);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    [Fact]
    public async Task Refresh_ConcurrentUseOfTheSameToken_FromTheSameClient_InsideGrace_AllGetTheSameNewToken()
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("race"));
        using var browser = SameClient(factory, ns, AuthFactory.RandomIp());

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Refresh(factory, ns, first.RefreshToken, client: browser)));

        Assert.Single(results.Select(r => r.RefreshToken).Distinct());
        // The family is intact: the shared new token keeps working.
        await Refresh(factory, ns, results[0].RefreshToken, client: browser);
    }

    [Theory]
    [InlineData("another address")]
    [InlineData("another user agent")]
    public async Task Refresh_ReuseFromAnotherClient_InsideGrace_RevokesTheWholeFamily(string difference)
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("thief"));
        var ip = AuthFactory.RandomIp();
        using var owner = SameClient(factory, ns, ip);
        var second = await Refresh(factory, ns, first.RefreshToken, client: owner);

        // Seconds later, the previous secret from somewhere else: not a retry of the owner's request.
        using var thief = difference == "another address" ? SameClient(factory, ns, AuthFactory.RandomIp()) : SameClient(factory, ns, ip, "curl/8.0");
        using var reuse = await thief.PostAsJsonAsync("/auth/refresh", new { refreshToken = first.RefreshToken });
        await reuse.AssertProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");

        // The owner's current token is dead too, and so is the session behind its access token.
        using var current = await owner.PostAsJsonAsync("/auth/refresh", new { refreshToken = second.RefreshToken });
        await current.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var me = await factory.Client(ns, second.AccessToken).GetAsync("/users/me");
        await me.AssertProblem(HttpStatusCode.Unauthorized, "session_revoked");
    }

    [Fact]
    public async Task Refresh_ReuseFromTheSameClient_AfterGrace_RevokesTheWholeFamily()
    {
        await using var app = new ShortGraceFactory();
        await app.InitializeAsync();
        var ns = AuthFactory.NewNamespace();
        var first = await app.RegisterAsync(ns, AuthFactory.NewEmail("reuse"));
        using var browser = SameClient(app, ns, AuthFactory.RandomIp());
        var second = await Refresh(app, ns, first.RefreshToken, client: browser);
        // Inside the window the same client's retry is answered (with the same new token)...
        Assert.Equal(second.RefreshToken, (await Refresh(app, ns, first.RefreshToken, client: browser)).RefreshToken);

        // ...after it, the same request is reuse.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var reuse = await browser.PostAsJsonAsync("/auth/refresh", new { refreshToken = first.RefreshToken });
        await reuse.AssertProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");

        using var current = await browser.PostAsJsonAsync("/auth/refresh", new { refreshToken = second.RefreshToken });
        await current.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var me = await app.Client(ns, second.AccessToken).GetAsync("/users/me");
        await me.AssertProblem(HttpStatusCode.Unauthorized, "session_revoked");
    }

    [Fact]
    public async Task Refresh_UnknownSecretForARealSession_IsRefusedWithoutRevokingIt()
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("guess"));
        var parts = first.RefreshToken.Split('.');
        var guessed = string.Join('.', parts[..4]) + "." + new string('A', 43);

        using var response = await factory.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken = guessed });
        await response.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        await Refresh(factory, ns, first.RefreshToken);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("hrt1.ns.a.b.c")]
    public async Task Refresh_MalformedToken_Is401(string refreshToken)
    {
        using var response = await factory.Client(AuthFactory.NewNamespace()).PostAsJsonAsync("/auth/refresh", new { refreshToken });
        await response.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Refresh_FromAnotherNamespace_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("xns"));
        using var response = await factory.Client(AuthFactory.NewNamespace()).PostAsJsonAsync("/auth/refresh", new { first.RefreshToken });
        await response.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Refresh_MissingField_Is400NamingIt()
    {
        using var response = await factory.Client(AuthFactory.NewNamespace()).PostAsJsonAsync("/auth/refresh", new { });
        await response.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "refreshToken");
    }

    [Fact]
    public async Task Logout_RevokesOnlyThatSession()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("logout");
        var a = await factory.RegisterAsync(ns, email);
        using var login = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        var b = (await login.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;

        using var logout = await factory.Client(ns, a.AccessToken).PostAsync("/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var refreshA = await factory.Client(ns).PostAsJsonAsync("/auth/refresh", new { a.RefreshToken });
        await refreshA.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var meA = await factory.Client(ns, a.AccessToken).GetAsync("/users/me");
        await meA.AssertProblem(HttpStatusCode.Unauthorized, "session_revoked");
        using var verifyA = await factory.Client(ns).PostAsJsonAsync("/auth/verify", new { token = a.AccessToken });
        await verifyA.AssertProblem(HttpStatusCode.Unauthorized, "session_revoked");
        await Refresh(factory, ns, b.RefreshToken);
    }

    [Fact]
    public async Task LogoutAll_RevokesEverySessionOfTheUser_ButNotOtherUsers()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("all");
        var a = await factory.RegisterAsync(ns, email);
        using var login = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        var b = (await login.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
        var other = await factory.RegisterAsync(ns, AuthFactory.NewEmail("other"));

        using var logoutAll = await factory.Client(ns, b.AccessToken).PostAsync("/auth/logout-all", null);
        Assert.Equal(HttpStatusCode.NoContent, logoutAll.StatusCode);

        foreach (var token in new[] { a.RefreshToken, b.RefreshToken })
        {
            using var refresh = await factory.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken = token });
            await refresh.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        }

        await Refresh(factory, ns, other.RefreshToken);
    }

    [Fact]
    public async Task Logout_WithoutToken_Is401()
    {
        using var response = await factory.Client(AuthFactory.NewNamespace()).PostAsync("/auth/logout", null);
        await response.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
