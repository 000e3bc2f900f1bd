using System.Net;
using System.Net.Http.Json;
using Hit.Auth.Keys;
using Hit.Contracts.Auth;
using System.Globalization;
using Hit.Platform.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

/// <summary>A clock the test moves by hand (for the test process's key ring; the app gets the same offset).</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public TimeSpan Advanced { get; private set; }

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _ticks, by.Ticks);
        Advanced += by;
    }
}

/// <summary>
/// The auth app on a clock the test moves, with its own database (it rotates keys by moving time). The app runs in
/// its own process, so moving time restarts it with <see cref="WorkerClock.OffsetSetting"/> set to the total advance
/// (honoured only in the Development environment): every expiry below is decided by the app's real clock path.
/// </summary>
public sealed class ClockFactory() : AuthFactory(
    new Dictionary<string, string?> { ["Auth:KeyRingCacheDuration"] = "00:00:00", ["HitAuth:UnknownKidRefreshInterval"] = "00:00:00" },
    "hit-auth-clock-" + Guid.NewGuid().ToString("N")[..12])
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));

    /// <summary>Moves the test's clock and restarts the app that much later.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await StartHostAsync(Settings(new Dictionary<string, string?>
        {
            [WorkerClock.OffsetSetting] = Clock.Advanced.ToString("c", CultureInfo.InvariantCulture),
        }));
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
        await app.AdvanceAsync(TimeSpan.FromMinutes(61));

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
        await app.AdvanceAsync(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

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

        await app.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var sixth = await Login("wrong password!"))
        {
            await sixth.AssertProblem(HttpStatusCode.TooManyRequests, "account_locked");
            Assert.Equal(TimeSpan.FromSeconds(60), sixth.Headers.RetryAfter!.Delta);
        }

        await app.AdvanceAsync(TimeSpan.FromSeconds(61));
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
        await app.AdvanceAsync(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

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

        await app.AdvanceAsync(TimeSpan.FromDays(31));
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
