using Hit.Contracts;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Auth.Keys;
using Hit.Platform;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Tests;

/// <summary>
/// Another platform app (not the auth app) validating Hit tokens with the shared handler: keys come from the auth
/// app's JWKS endpoint over HTTP, are cached, refreshed on an unknown kid, and keep working while the auth app is down.
/// </summary>
public sealed class ServiceTokenValidationTests(RotationFactory auth) : IClassFixture<RotationFactory>
{
    /// <summary>Forwards to the auth app under the local host; counts fetches and can simulate an outage.</summary>
    private sealed class AuthAppHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Fetches;

        public bool Down { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Fetches);
            return Down ? throw new HttpRequestException("auth app is down") : base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<(WebApplication App, HttpClient Client, AuthAppHandler Auth)> StartServiceAsync(string unknownKidRefresh = "00:00:00")
    {
        var handler = new AuthAppHandler(new HttpClientHandler());
        var builder = FunctionsApp.CreateBuilder([]);
        builder.WebHost.UseTestServer();
        builder.Configuration["HitAuth:Issuer"] = AuthFactory.Issuer;
        builder.Configuration["HitAuth:Audience"] = AuthFactory.Audience;
        builder.Configuration["HitAuth:JwksUrl"] = new Uri(auth.BaseAddress, ".well-known/jwks.json").ToString();
        builder.Configuration["HitAuth:UnknownKidRefreshInterval"] = unknownKidRefresh;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Services.AddHitJwtAuthentication();
        builder.Services.AddHttpClient(HttpJwksSourceName).ConfigurePrimaryHttpMessageHandler(() => handler);
        var app = builder.Build();
        app.UseHitPlatform();
        app.MapGet("/whoami", (HitUser user, TenantNamespace ns) => TypedResults.Ok(new { user.Id, user.Email, user.SessionId, Namespace = ns.Value }))
            .WithName("WhoAmI").RequireUser();
        app.MapGet("/anonymous", (TenantNamespace ns) => TypedResults.Ok(new { Namespace = ns.Value })).WithName("Anonymous");
        await app.StartAsync();
        return (app, app.GetTestClient(), handler);
    }

    private const string HttpJwksSourceName = "hit-jwks";

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
        var (app, client, _) = await StartServiceAsync();
        await using var _app = app;
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));

        using var response = await client.SendAsync(Get("/whoami", tokens.AccessToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(ns, (string?)body["namespace"]);
        Assert.Equal(tokens.User.Id, (string?)body["id"]);
    }

    [Fact]
    public async Task TokenUsedWithAnotherNamespaceHeader_Is403_AndAnonymousHeaderStillWorks()
    {
        var (app, client, _) = await StartServiceAsync();
        await using var _app = app;
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));
        var other = AuthFactory.NewNamespace();

        using var cross = await client.SendAsync(Get("/whoami", tokens.AccessToken, other));
        await cross.AssertProblem(HttpStatusCode.Forbidden, "forbidden");

        using var same = await client.SendAsync(Get("/whoami", tokens.AccessToken, ns));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        // On an anonymous endpoint the token's namespace still wins over the header.
        using var anonymous = await client.SendAsync(Get("/anonymous", tokens.AccessToken, other));
        Assert.Equal(ns, (string?)(await anonymous.Content.ReadFromJsonAsync<JsonObject>())!["namespace"]);
    }

    [Fact]
    public async Task NoToken_Is401_BadToken_Is401()
    {
        var (app, client, _) = await StartServiceAsync();
        await using var _app = app;

        using var none = await client.SendAsync(Get("/whoami", null));
        await none.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
        using var bad = await client.SendAsync(Get("/whoami", "x.y.z"));
        await bad.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task KeysAreCached_AndTheServiceKeepsValidatingWhileTheAuthAppIsDown()
    {
        var (app, client, handler) = await StartServiceAsync();
        await using var _app = app;
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));

        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.SendAsync(Get("/whoami", tokens.AccessToken));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(1, handler.Fetches);
        handler.Down = true;
        using var stillOk = await client.SendAsync(Get("/whoami", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
    }

    [Fact]
    public async Task UnknownKids_AreThrottled_SoForgedKidsCannotHammerTheAuthApp()
    {
        var (app, client, handler) = await StartServiceAsync(unknownKidRefresh: "01:00:00");
        await using var _app = app;
        var ns = AuthFactory.NewNamespace();
        var tokens = await auth.RegisterAsync(ns, AuthFactory.NewEmail("svc"));
        using (var warm = await client.SendAsync(Get("/whoami", tokens.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 20; i++)
        {
            var forged = TokenMint.Sign(TokenMint.Valid(ns), new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(attacker) { KeyId = "forged-" + i }, "ES256");
            using var rejected = await client.SendAsync(Get("/whoami", forged));
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        Assert.Equal(1, handler.Fetches);
    }

    [Fact]
    public async Task Rotation_NewKeyIsFetchedOnUnknownKid_OldTokensValidUntilTheirKeyIsRevoked()
    {
        var (app, client, handler) = await StartServiceAsync();
        await using var _app = app;
        var ring = auth.Services.GetRequiredService<KeyRing>();
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("rot");
        var before = await auth.RegisterAsync(ns, email);
        using (var warm = await client.SendAsync(Get("/whoami", before.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var firstKid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(before.AccessToken).Kid;
        var fetches = handler.Fetches;

        // Two rotations: the key that now signs was created after the service cached the JWKS.
        await ring.RotateAsync(CancellationToken.None);
        var rotated = await ring.RotateAsync(CancellationToken.None);
        Assert.Equal(Hit.Auth.Keys.KeyStates.Revoked, rotated.Keys.Single(k => k.Kid == firstKid).State);
        using var login = await auth.Client(ns).PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        var after = (await login.Content.ReadFromJsonAsync(Hit.Contracts.HitJsonContext.Default.TokenResponse))!;
        Assert.Equal(rotated.CurrentKey.Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(after.AccessToken).Kid);

        using var fresh = await client.SendAsync(Get("/whoami", after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(fetches + 1, handler.Fetches);

        // The refreshed JWKS no longer publishes the revoked first key.
        using var old = await client.SendAsync(Get("/whoami", before.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);

        using var jwks = await auth.Client(ns).GetAsync("/.well-known/jwks.json");
        var kids = (await jwks.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray().Select(k => (string?)k!["kid"]).ToList();
        Assert.DoesNotContain(firstKid, kids);
        Assert.Equal(3, kids.Count);
    }
}
