using System.Net;
using System.Net.Http.Json;
using Hit.Contracts.Auth;

namespace Auth.Tests;

/// <summary>An auth app with tight per-IP limits (3 per minute) to prove they bite.</summary>
public sealed class TightLimitsFactory() : AuthFactory(new Dictionary<string, string?>
{
    ["Auth:RateLimits:LoginPerMinute"] = "3",
    ["Auth:RateLimits:RegisterPerMinute"] = "3",
    ["Auth:RateLimits:RefreshPerMinute"] = "3",
    ["Auth:RateLimits:PasswordResetPerMinute"] = "3",
});

public sealed class AccountSafetyTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    [Fact]
    public async Task WrongPasswordFiveTimes_LocksTheAccount_EvenTheRightPasswordGets429WithRetryAfter()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("lock");
        await factory.RegisterAsync(ns, email);

        for (var i = 1; i <= 4; i++)
        {
            using var wrong = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "wrong password " + i });
            await wrong.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var fifth = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "wrong password 5" });
        await fifth.AssertProblem(HttpStatusCode.TooManyRequests, "account_locked");
        Assert.Equal(TimeSpan.FromSeconds(30), fifth.Headers.RetryAfter!.Delta);

        using var right = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        await right.AssertProblem(HttpStatusCode.TooManyRequests, "account_locked");
        Assert.InRange(right.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 30);

        // The ticketing route shares the lockout and answers in its own shape.
        using var ticketing = await factory.Client(ns).PostAsJsonAsync("/api/users/signin", new { email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.TooManyRequests, ticketing.StatusCode);
        Assert.NotNull(ticketing.Headers.RetryAfter);
    }

    [Fact]
    public async Task Lockout_IsPerAccount_AnotherAccountFromTheSameAddressSignsIn()
    {
        var ns = AuthFactory.NewNamespace();
        var locked = AuthFactory.NewEmail("locked");
        var fine = AuthFactory.NewEmail("fine");
        await factory.RegisterAsync(ns, locked);
        await factory.RegisterAsync(ns, fine);
        using var client = factory.Client(ns);
        for (var i = 0; i < 5; i++)
        {
            using var _ = await client.PostAsJsonAsync("/auth/login", new { email = locked, password = "wrong password!" });
        }

        using var other = await client.PostAsJsonAsync("/auth/login", new { email = fine, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task PerIpRateLimit_Login_Is429WithRetryAfter_OtherAddressesUnaffected()
    {
        await using var app = new TightLimitsFactory();
        await app.InitializeAsync();
        var ns = AuthFactory.NewNamespace();
        var ip = AuthFactory.RandomIp();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await app.Client(ns, ip: ip).PostAsJsonAsync("/auth/login", new { email = AuthFactory.NewEmail(), password = "whatever password" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var limited = await app.Client(ns, ip: ip).PostAsJsonAsync("/auth/login", new { email = AuthFactory.NewEmail(), password = "whatever password" });
        await limited.AssertProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);

        using var elsewhere = await app.Client(ns, ip: AuthFactory.RandomIp()).PostAsJsonAsync("/auth/login", new { email = AuthFactory.NewEmail(), password = "whatever password" });
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Theory]
    [InlineData("/auth/register")]
    [InlineData("/auth/refresh")]
    [InlineData("/auth/password/forgot")]
    [InlineData("/api/users/signup")]
    public async Task PerIpRateLimit_CoversRegisterRefreshAndReset(string path)
    {
        await using var app = new TightLimitsFactory();
        await app.InitializeAsync();
        var ip = AuthFactory.RandomIp();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await app.Client(AuthFactory.NewNamespace(), ip: ip).PostAsJsonAsync(path, new { email = "x", password = "y", refreshToken = "z" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.NotNull(last.Headers.RetryAfter);
        last.Dispose();
    }

    [Fact]
    public async Task ForgotPassword_SameAnswerForKnownAndUnknownEmail_OnlyKnownGetsAMail()
    {
        var ns = AuthFactory.NewNamespace();
        var known = AuthFactory.NewEmail("known");
        var unknown = AuthFactory.NewEmail("unknown");
        await factory.RegisterAsync(ns, known);

        using var a = await factory.Client(ns).PostAsJsonAsync("/auth/password/forgot", new { email = known });
        using var b = await factory.Client(ns).PostAsJsonAsync("/auth/password/forgot", new { email = unknown });

        Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
        Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
        var mails = await factory.MailsAsync();
        Assert.Single(mails, m => m.To == known && m.Template == AuthEmailMessage.Templates.PasswordReset);
        Assert.DoesNotContain(mails, m => m.To == unknown);
    }

    [Fact]
    public async Task ResetPassword_SetsThePassword_RevokesEverySession_TokenIsSingleUse()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("reset");
        var session = await factory.RegisterAsync(ns, email);
        using (var forgot = await factory.Client(ns).PostAsJsonAsync("/auth/password/forgot", new { email }))
        {
            Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        }

        var mail = Assert.Single(await factory.MailsAsync(), m => m.To == email && m.Template == AuthEmailMessage.Templates.PasswordReset);
        Assert.Equal(1, mail.Version);
        var token = mail.Data["token"];

        using var weak = await factory.Client(ns).PostAsJsonAsync("/auth/password/reset", new { token, password = "password" });
        await weak.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "password");

        using var reset = await factory.Client(ns).PostAsJsonAsync("/auth/password/reset", new { token, password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        using var again = await factory.Client(ns).PostAsJsonAsync("/auth/password/reset", new { token, password = "another new passphrase" });
        await again.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");

        using var oldRefresh = await factory.Client(ns).PostAsJsonAsync("/auth/refresh", new { session.RefreshToken });
        await oldRefresh.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var oldPassword = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        await oldPassword.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        using var newPassword = await factory.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.OK, newPassword.StatusCode);
    }

    [Fact]
    public async Task ResetPassword_WithAVerificationToken_IsRefused()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("purpose");
        await factory.RegisterAsync(ns, email);
        var verification = Assert.Single(await factory.MailsAsync(), m => m.To == email);

        using var response = await factory.Client(ns).PostAsJsonAsync("/auth/password/reset", new { token = verification.Data["token"], password = "a brand new passphrase" });
        await response.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");
    }
}
