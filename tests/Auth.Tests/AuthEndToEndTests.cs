using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;

namespace Auth.Tests;

/// <summary>
/// The built app root (artifacts/apps/Auth, from <c>./hit build auth</c>) under the local Functions host behind the
/// gateway, against the test stack: the path a request takes under <c>./hit run</c> and, through the same
/// function.json files, in Azure.
/// </summary>
public sealed class AuthAppFixture : IAsyncLifetime
{
    private LocalFunctionsHost? _host;
    private OidcProviderProcess? _provider;

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    public string EmailQueue { get; } = "email-e2e-" + Guid.NewGuid().ToString("N")[..16];

    public async Task InitializeAsync()
    {
        var root = TestStack.AppRoot("Auth");

        // The gateway first: its address is the public base the provider calls back to.
        await Gateway.StartAsync();
        Client.BaseAddress = Gateway.BaseAddress;
        _provider = await OidcProviderProcess.StartAsync();
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = root,
            AppName = "auth",
            Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-auth-e2e")))
            {
                ["Auth__KeyEncryptionKey"] = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=",
                ["Auth__EmailQueue"] = EmailQueue,
                ["HitAuth__Issuer"] = AuthFactory.Issuer,
                ["HitAuth__Audience"] = AuthFactory.Audience,
                ["Auth__OAuth__CallbackBaseUrl"] = new Uri(Gateway.BaseAddress, "auth/").ToString(),
                ["Auth__OAuth__SecureCookie"] = "false",
                ["Auth__OAuth__RedirectAllowList__0"] = "https://app.example/after-login",
                ["Auth__OAuth__Providers__google__Authority"] = _provider.Issuer,
                ["Auth__OAuth__Providers__google__ClientId"] = "hit-google-client",
                ["Auth__OAuth__Providers__google__ClientSecret"] = "google-secret",
                ["Auth__OAuth__Providers__google__RequireHttpsMetadata"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        });
        await _host.StartAsync();
        Gateway.AddApp(_host);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}

public sealed class AuthEndToEndTests(AuthAppFixture app) : IClassFixture<AuthAppFixture>
{
    private static HttpRequestMessage Request(HttpMethod method, string path, string ns, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Hit-Namespace", ns);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        return request;
    }

    [Fact]
    public async Task Register_Me_Refresh_Logout_ThroughTheGateway()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("e2e");

        using var register = await app.Client.SendAsync(Request(HttpMethod.Post, "/auth/auth/register", ns, new { email, password = "correct horse battery" }));
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var tokens = (await register.Content.ReadFromJsonAsync<JsonObject>())!;
        var access = (string)tokens["accessToken"]!;

        using var me = await app.Client.SendAsync(Request(HttpMethod.Get, "/auth/users/me", ns, bearer: access));
        Assert.Equal(email, (string?)(await me.Content.ReadFromJsonAsync<JsonObject>())!["email"]);

        using var refresh = await app.Client.SendAsync(Request(HttpMethod.Post, "/auth/auth/refresh", ns, new { refreshToken = (string)tokens["refreshToken"]! }));
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);

        using var logout = await app.Client.SendAsync(Request(HttpMethod.Post, "/auth/auth/logout", ns, bearer: access));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await app.Client.SendAsync(Request(HttpMethod.Get, "/auth/users/me", ns, bearer: access));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Jwks_IsServedAtTheWellKnownPath()
    {
        using var response = await app.Client.GetAsync("/auth/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = (await response.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
        Assert.True(keys.Count >= 2);
        Assert.All(keys, k => Assert.Equal("ES256", (string?)k!["alg"]));
    }

    [Fact]
    public async Task Ticketing_SignupCurrentUser_AndUnknownRouteInTheSeedShape()
    {
        var ns = AuthFactory.NewNamespace();
        using var signup = await app.Client.SendAsync(Request(HttpMethod.Post, "/auth/api/users/signup", ns, new { email = AuthFactory.NewEmail("e2et"), password = "correct horse battery" }));
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        var token = (string)(await signup.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;

        using var current = await app.Client.SendAsync(Request(HttpMethod.Get, "/auth/api/users/currentuser", ns, bearer: token));
        Assert.NotNull((await current.Content.ReadFromJsonAsync<JsonObject>())!["currentUser"]);

        using var missing = await app.Client.SendAsync(Request(HttpMethod.Get, "/auth/api/users/nope", ns));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull((await missing.Content.ReadFromJsonAsync<JsonObject>())!["errors"]);
    }

    [Fact]
    public async Task OAuth_CodeFlowThroughTheGatewayAndTheRealProvider_SignsIn()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("e2eoidc");
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        using var start = await app.Client.SendAsync(Request(HttpMethod.Get,
            $"/auth/oauth/google?redirect_uri={Uri.EscapeDataString("https://app.example/after-login")}&code_challenge={challenge}&code_challenge_method=S256&login_hint={Uri.EscapeDataString(email)}", ns));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var cookie = start.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await browser.GetAsync(start.Headers.Location);
        var callback = authorized.Headers.Location!;
        Assert.StartsWith(app.Gateway.BaseAddress + "auth/oauth/google/callback?", callback.ToString(), StringComparison.Ordinal);

        // The browser follows the provider's redirect: the cookie, no namespace header.
        using var request = new HttpRequestMessage(HttpMethod.Get, callback.PathAndQuery);
        request.Headers.Add("Cookie", cookie);
        using var signedIn = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var location = signedIn.Headers.Location!;
        Assert.Empty(location.Fragment);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query)["code"].ToString();

        using var exchange = await app.Client.SendAsync(Request(HttpMethod.Post, "/auth/oauth/token", ns, new Dictionary<string, string> { ["code"] = code, ["code_verifier"] = verifier }));
        Assert.True(exchange.StatusCode == HttpStatusCode.OK, await exchange.Content.ReadAsStringAsync());
        var accessToken = (string)(await exchange.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
        using var me = await app.Client.SendAsync(Request(HttpMethod.Get, "/auth/users/me", ns, bearer: accessToken));
        Assert.Equal(email, (string?)(await me.Content.ReadFromJsonAsync<JsonObject>())!["email"]);
    }
}
