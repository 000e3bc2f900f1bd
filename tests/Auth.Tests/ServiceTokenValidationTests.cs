using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Auth.Keys;
using Hit.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Auth.Tests;

/// <summary>
/// Another platform app (not the auth app) validating Hit tokens: tests/Hit.Platform.TestApp, a real
/// <c>AddHitPlatform()</c> worker app under the local Functions host. Its keys come from the auth app's JWKS endpoint
/// over HTTP — through <see cref="JwksProxy"/>, which counts the fetches and can take the auth app "down" — are
/// cached, refreshed on an unknown kid, and keep working while the auth app is down.
/// </summary>
public sealed class ServiceTokenValidationTests(RotationFactory auth) : IClassFixture<RotationFactory>
{
    /// <summary>The TestApp's build output folder (Auth.Tests.csproj), a complete app root.</summary>
    private static string TestAppRoot { get; } = typeof(ServiceTokenValidationTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestAppRoot").Value!;

    /// <summary>
    /// The auth app's JWKS endpoint as the service reaches it: a real loopback listener in the test process that
    /// forwards to the auth app under the local host, counts fetches and answers 503 while <see cref="Down"/>. The
    /// service runs in its own worker process, so its HttpClient cannot be swapped as in-process tests would.
    /// </summary>
    private sealed class JwksProxy(Uri authApp) : IAsyncDisposable
    {
        private readonly HttpClient _upstream = new() { BaseAddress = authApp };
        private WebApplication? _app;
        private int _fetches;
        private volatile bool _down;

        public Uri JwksUrl { get; private set; } = null!;

        public int Fetches => Volatile.Read(ref _fetches);

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            _app = builder.Build();
            _app.MapGet("/.well-known/jwks.json", ForwardAsync);
            await _app.StartAsync();
            var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            JwksUrl = new Uri(new Uri(address), ".well-known/jwks.json");
        }

        private async Task ForwardAsync(HttpContext http)
        {
            Interlocked.Increment(ref _fetches);
            if (Down)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            using var response = await _upstream.GetAsync(".well-known/jwks.json", http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            _upstream.Dispose();
        }
    }

    /// <summary>The TestApp under its own local host, validating against its own <see cref="JwksProxy"/>.</summary>
    private sealed class Service : IAsyncDisposable
    {
        private readonly LocalFunctionsHost _host;

        public Service(LocalFunctionsHost host, JwksProxy jwks)
        {
            _host = host;
            Jwks = jwks;
            Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        }

        public HttpClient Client { get; }

        public JwksProxy Jwks { get; }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _host.DisposeAsync();
            await Jwks.DisposeAsync();
        }
    }

    /// <summary>Keeps the host's log (worker output included) for the message of a failed start.</summary>
    private sealed class LogLines : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}");

        public string Dump() => string.Join('\n', _lines);
    }

    // One service per test: each needs its own fetch counter and JWKS cache (and one its own throttle setting).
    private async Task<Service> StartServiceAsync(string unknownKidRefresh = "00:00:00")
    {
        var jwks = new JwksProxy(auth.BaseAddress);
        var log = new LogLines();
        LocalFunctionsHost? host = null;
        try
        {
            await jwks.StartAsync();
            host = new LocalFunctionsHost(new LocalFunctionsHostOptions
            {
                AppRoot = TestAppRoot,
                AppName = "service",
                Logger = log,
                Settings = new Dictionary<string, string?>
                {
                    ["HitAuth__Issuer"] = AuthFactory.Issuer,
                    ["HitAuth__Audience"] = AuthFactory.Audience,
                    ["HitAuth__JwksUrl"] = jwks.JwksUrl.ToString(),
                    ["HitAuth__UnknownKidRefreshInterval"] = unknownKidRefresh,
                    ["Logging__LogLevel__Default"] = "Warning",
                },
            });
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await jwks.DisposeAsync();
            throw new InvalidOperationException("The service did not start. Host log:\n" + log.Dump(), ex);
        }

        return new Service(host, jwks);
    }

    private static HttpRequestMessage Get(string path, string? token, string? ns = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (ns is not null)
        {
            request.Headers.Add("X-Hit-Namespace", ns);
        }

        return request;
    }

    [Fact]
    public async Task ValidToken_AuthenticatesInTheTokensNamespace_WithoutAnyHeader()
    {
        await using var service = await StartServiceAsync();
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));

        using var response = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(ns, (string?)body["namespace"]);
        Assert.Equal(tokens.User.Id, (string?)body["id"]);
    }

    [Fact]
    public async Task TokenUsedWithAnotherNamespaceHeader_Is403_AndAnonymousHeaderStillWorks()
    {
        await using var service = await StartServiceAsync();
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));
        var other = AuthFactory.NewNamespace();

        using var cross = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken, other));
        await cross.AssertProblem(HttpStatusCode.Forbidden, "forbidden");

        using var same = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken, ns));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        // On an anonymous endpoint the token's namespace still wins over the header.
        using var anonymous = await service.Client.SendAsync(Get("/anonymous", tokens.AccessToken, other));
        Assert.Equal(ns, (string?)(await anonymous.Content.ReadFromJsonAsync<JsonObject>())!["namespace"]);
    }

    [Fact]
    public async Task NoToken_Is401_BadToken_Is401()
    {
        await using var service = await StartServiceAsync();

        using var none = await service.Client.SendAsync(Get("/whoami", null));
        await none.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
        using var bad = await service.Client.SendAsync(Get("/whoami", "x.y.z"));
        await bad.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task KeysAreCached_AndTheServiceKeepsValidatingWhileTheAuthAppIsDown()
    {
        await using var service = await StartServiceAsync();
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));

        for (var i = 0; i < 5; i++)
        {
            using var ok = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(1, service.Jwks.Fetches);
        service.Jwks.Down = true;

        // An unknown kid makes the service fetch while the auth app answers 503: that failed fetch must not cost it
        // the keys it already holds.
        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = TokenMint.Sign(TokenMint.Valid(ns), new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(attacker) { KeyId = "forged" }, "ES256");
        using (var rejected = await service.Client.SendAsync(Get("/whoami", forged)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        Assert.Equal(2, service.Jwks.Fetches);
        using var stillOk = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
    }

    [Fact]
    public async Task UnknownKids_AreThrottled_SoForgedKidsCannotHammerTheAuthApp()
    {
        await using var service = await StartServiceAsync(unknownKidRefresh: "01:00:00");
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));
        using (var warm = await service.Client.SendAsync(Get("/whoami", tokens.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 20; i++)
        {
            var forged = TokenMint.Sign(TokenMint.Valid(ns), new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(attacker) { KeyId = "forged-" + i }, "ES256");
            using var rejected = await service.Client.SendAsync(Get("/whoami", forged));
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        Assert.Equal(1, service.Jwks.Fetches);
    }

    [Fact]
    public async Task Rotation_NewKeyIsFetchedOnUnknownKid_OldTokensValidUntilTheirKeyIsRevoked()
    {
        await using var service = await StartServiceAsync();
        var ring = auth.Services.GetRequiredService<KeyRing>();
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("rot");
        var before = await auth.RegisterAsync(ns, email);
        using (var warm = await service.Client.SendAsync(Get("/whoami", before.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var firstKid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(before.AccessToken).Kid;
        var fetches = service.Jwks.Fetches;

        // Two rotations: the key that now signs was created after the service cached the JWKS.
        await ring.RotateAsync(CancellationToken.None);
        var rotated = await ring.RotateAsync(CancellationToken.None);
        Assert.Equal(KeyStates.Revoked, rotated.Keys.Single(k => k.Kid == firstKid).State);
        using var login = await auth.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        var after = (await login.Content.ReadFromJsonAsync(Hit.Contracts.HitJsonContext.Default.TokenResponse))!;
        Assert.Equal(rotated.CurrentKey.Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(after.AccessToken).Kid);

        using var fresh = await service.Client.SendAsync(Get("/whoami", after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(fetches + 1, service.Jwks.Fetches);

        // The refreshed JWKS no longer publishes the revoked first key.
        using var old = await service.Client.SendAsync(Get("/whoami", before.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);

        using var jwks = await auth.Client(ns).GetAsync("/.well-known/jwks.json");
        var kids = (await jwks.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray().Select(k => (string?)k!["kid"]).ToList();
        Assert.DoesNotContain(firstKid, kids);
        Assert.Equal(3, kids.Count);
    }
}
