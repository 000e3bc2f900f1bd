using System.Net;
using System.Net.Http.Json;
using Hit.Auth.Keys;
using Hit.Contracts.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing does not restore here).</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>The auth app on a manual clock, with its own database (it rotates keys by moving time).</summary>
public sealed class ClockFactory() : AuthFactory(
    new Dictionary<string, string?> { ["Auth:KeyRingCacheDuration"] = "00:00:00", ["HitAuth:UnknownKidRefreshInterval"] = "00:00:00" },
    "hit-auth-clock-" + Guid.NewGuid().ToString("N")[..12])
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Everything that expires does: one-time tokens, lockouts (with backoff), sessions, signing keys.</summary>
public sealed class ExpiryTests(ClockFactory app) : IClassFixture<ClockFactory>
{
    private async Task<string> MailTokenAsync(string email, string template) =>
        Assert.Single(await app.MailsAsync(), m => m.To == email && m.Template == template).Data["token"];

    [Fact]
    public async Task ResetToken_AfterAnHour_IsRefused()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("late");
        await app.RegisterAsync(ns, email);
        using (var forgot = await app.Client(ns).PostAsJsonAsync("/auth/password/forgot", new { email }))
        {
            Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        }

        var token = await MailTokenAsync(email, AuthEmailMessage.Templates.PasswordReset);
        app.Clock.Advance(TimeSpan.FromMinutes(61));

        using var reset = await app.Client(ns).PostAsJsonAsync("/auth/password/reset", new { token, password = "a brand new passphrase" });
        await reset.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");
    }

    [Fact]
    public async Task VerificationToken_AfterADay_IsRefused()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("slow");
        await app.RegisterAsync(ns, email);
        var token = await MailTokenAsync(email, AuthEmailMessage.Templates.VerifyEmail);
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        using var verify = await app.Client(ns).PostAsJsonAsync("/auth/email/verify", new { token });
        await verify.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");
    }

    [Fact]
    public async Task Lockout_Expires_AndTheNextFailureLocksForTwiceAsLong_ASuccessResetsIt()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("backoff");
        await app.RegisterAsync(ns, email);
        using var client = app.Client(ns);
        async Task<HttpResponseMessage> Login(string password) => await client.PostAsJsonAsync("/auth/login", new { email, password });

        for (var i = 0; i < 5; i++)
        {
            (await Login("wrong password!")).Dispose();
        }

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        using (var sixth = await Login("wrong password!"))
        {
            await sixth.AssertProblem(HttpStatusCode.TooManyRequests, "account_locked");
            Assert.Equal(TimeSpan.FromSeconds(60), sixth.Headers.RetryAfter!.Delta);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        using (var right = await Login("correct horse battery"))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        // The success cleared the counter: one failure is just a failure again.
        using var again = await Login("wrong password!");
        await again.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Session_After30Days_CannotBeRefreshed()
    {
        var ns = AuthFactory.NewNamespace();
        var tokens = await app.RegisterAsync(ns, AuthFactory.NewEmail("old"));
        app.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

        using var refresh = await app.Client(ns).PostAsJsonAsync("/auth/refresh", new { tokens.RefreshToken });
        await refresh.AssertProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var me = await app.Client(ns, tokens.AccessToken).GetAsync("/users/me");
        await me.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task SigningKey_RotatesAfterTheInterval_ThePublishedStandbyTakesOver()
    {
        var ring = app.Services.GetRequiredService<KeyRing>();
        var before = await ring.GetAsync(CancellationToken.None);
        var standby = before.Keys.Single(k => k.State == KeyStates.Standby).Kid;

        app.Clock.Advance(TimeSpan.FromDays(31));
        var ns = AuthFactory.NewNamespace();
        var tokens = await app.RegisterAsync(ns, AuthFactory.NewEmail("rotate"));

        Assert.Equal(standby, new JsonWebToken(tokens.AccessToken).Kid);
        var after = await ring.GetAsync(CancellationToken.None);
        Assert.Equal(KeyStates.Previous, after.Keys.Single(k => k.Kid == before.CurrentKey.Kid).State);
        Assert.Single(after.Keys, k => k.State == KeyStates.Standby);
        using var me = await app.Client(ns, tokens.AccessToken).GetAsync("/users/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }
}
