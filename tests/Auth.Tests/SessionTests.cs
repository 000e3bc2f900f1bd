using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

/// <summary>An auth app whose refresh grace window is zero, so any second use of a refresh token is reuse.</summary>
public sealed class NoGraceFactory() : AuthFactory(new Dictionary<string, string?> { ["Auth:RefreshReuseGrace"] = "00:00:00" });

public sealed class SessionTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    private static async Task<TokenResponse> Refresh(AuthFactory app, string ns, string refreshToken, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await app.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken });
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

    [Fact]
    public async Task Refresh_ConcurrentUseOfTheSameToken_InsideGrace_AllGetTheSameNewToken()
    {
        var ns = AuthFactory.NewNamespace();
        var first = await factory.RegisterAsync(ns, AuthFactory.NewEmail("race"));

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Refresh(factory, ns, first.RefreshToken)));

        Assert.Single(results.Select(r => r.RefreshToken).Distinct());
        // The family is intact: the shared new token keeps working.
        await Refresh(factory, ns, results[0].RefreshToken);
    }

    [Fact]
    public async Task Refresh_ReuseAfterGrace_RevokesTheWholeFamily()
    {
        await using var app = new NoGraceFactory();
        await app.InitializeAsync();
        var ns = AuthFactory.NewNamespace();
        var first = await app.RegisterAsync(ns, AuthFactory.NewEmail("reuse"));
        var second = await Refresh(app, ns, first.RefreshToken);

        using var reuse = await app.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken = first.RefreshToken });
        await reuse.AssertProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");

        // The legitimate holder's newer token is dead too, and so is the session behind its access token.
        using var legit = await app.Client(ns).PostAsJsonAsync("/auth/refresh", new { refreshToken = second.RefreshToken });
        await legit.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
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
