using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Auth.Tests;

/// <summary>The ticketing seed's contract: bodies, statuses and the {errors:[{message, field?}]} shape.</summary>
public sealed class TicketingTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    private static async Task<JsonArray> AssertErrors(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["errors"], body.Select(p => p.Key));
        var errors = body["errors"]!.AsArray();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty((string?)e!["message"])));
        return errors;
    }

    [Fact]
    public async Task Signup_Signin_CurrentUser_Signout_RoundTrip()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("ticket");
        using var client = factory.Client(ns);

        using var signup = await client.PostAsJsonAsync("/api/users/signup", new { email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        var created = (await signup.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["user", "token"], created.Select(p => p.Key));
        Assert.Equal(email, (string?)created["user"]!["email"]);
        var id = (string?)created["user"]!["id"];

        using var signin = await client.PostAsJsonAsync("/api/users/signin", new { email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, signin.StatusCode);
        var signedIn = (await signin.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(id, (string?)signedIn["user"]!["id"]);
        var token = (string)signedIn["token"]!;

        using var current = await factory.Client(ns, token).GetAsync("/api/users/currentuser");
        var currentUser = (await current.Content.ReadFromJsonAsync<JsonObject>())!["currentUser"]!;
        Assert.Equal(id, (string?)currentUser["id"]);
        Assert.Equal(email, (string?)currentUser["email"]);

        using var signout = await factory.Client(ns, token).PostAsync("/api/users/signout", null);
        Assert.Equal(HttpStatusCode.OK, signout.StatusCode);
        Assert.Equal("{}", await signout.Content.ReadAsStringAsync());
        using var after = await factory.Client(ns, token).GetAsync("/api/users/currentuser");
        Assert.Equal("{\"currentUser\":null}", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CurrentUser_WithoutOrWithBadToken_IsNull()
    {
        using var none = await factory.Client(AuthFactory.NewNamespace()).GetAsync("/api/users/currentuser");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal("{\"currentUser\":null}", await none.Content.ReadAsStringAsync());
        using var bad = await factory.Client(AuthFactory.NewNamespace(), "a.b.c").GetAsync("/api/users/currentuser");
        Assert.Equal("{\"currentUser\":null}", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signup_InvalidInput_ListsEveryFieldError()
    {
        using var response = await factory.Client(AuthFactory.NewNamespace()).PostAsJsonAsync("/api/users/signup", new { email = "nope", password = "1" });
        var errors = await AssertErrors(response, HttpStatusCode.BadRequest);
        Assert.Equal(["email", "password"], errors.Select(e => (string?)e!["field"]).Order());
    }

    [Fact]
    public async Task Signup_EmailInUse_Is400()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("inuse");
        using var client = factory.Client(ns);
        using (var first = await client.PostAsJsonAsync("/api/users/signup", new { email, password = "correct horse battery" }))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var second = await client.PostAsJsonAsync("/api/users/signup", new { email, password = "correct horse battery" });
        var errors = await AssertErrors(second, HttpStatusCode.BadRequest);
        Assert.Equal("Email in use", (string?)errors[0]!["message"]);
    }

    [Fact]
    public async Task Signin_WrongPassword_Is400InvalidCredentials_MissingFieldsNamed()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("wrong");
        await factory.RegisterAsync(ns, email);
        using var client = factory.Client(ns);

        using var wrong = await client.PostAsJsonAsync("/api/users/signin", new { email, password = "not the password" });
        Assert.Equal("Invalid credentials", (string?)(await AssertErrors(wrong, HttpStatusCode.BadRequest))[0]!["message"]);

        using var missing = await client.PostAsJsonAsync("/api/users/signin", new { });
        Assert.Equal(["email", "password"], (await AssertErrors(missing, HttpStatusCode.BadRequest)).Select(e => (string?)e!["field"]).Order());
    }

    [Fact]
    public async Task MalformedJson_OversizedBody_AndNotJson_AreRefusedInTheSeedShape()
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var malformed = await client.PostAsync("/api/users/signup", TestHelpers.RawJson("{\"email\":"));
        Assert.Equal("email", (string?)(await AssertErrors(malformed, HttpStatusCode.BadRequest))[0]!["field"]);
        using var huge = await client.PostAsync("/api/users/signin", TestHelpers.RawJson("{\"email\":\"" + new string('a', 70_000) + "\"}"));
        Assert.Equal("body", (string?)(await AssertErrors(huge, HttpStatusCode.RequestEntityTooLarge))[0]!["field"]);
        using var text = await client.PostAsync("/api/users/signin", new StringContent("{\"email\":\"a@b.cd\",\"password\":\"x\"}", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal("Content-Type", (string?)(await AssertErrors(text, HttpStatusCode.UnsupportedMediaType))[0]!["field"]);
        Assert.Equal("application/json", text.Headers.GetValues("Accept-Post").Single());
    }

    [Fact]
    public async Task WrongMethod_Is405WithAllow_InTheSeedShape_WithoutANullField()
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var response = await client.DeleteAsync("/api/users/signup");

        var errors = await AssertErrors(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["OPTIONS", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        // The seed omits `field` when no input is to blame; it never writes "field": null.
        Assert.False(errors[0]!.AsObject().ContainsKey("field"));
    }

    [Fact]
    public async Task Signout_WithoutToken_Is401_WithOtherNamespace_Is403()
    {
        var ns = AuthFactory.NewNamespace();
        var tokens = await factory.RegisterAsync(ns, AuthFactory.NewEmail("so"));

        using var anonymous = await factory.Client(ns).PostAsync("/api/users/signout", null);
        await AssertErrors(anonymous, HttpStatusCode.Unauthorized);
        using var cross = await factory.Client(AuthFactory.NewNamespace(), tokens.AccessToken).PostAsync("/api/users/signout", null);
        await AssertErrors(cross, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UnknownRoute_Is404InTheSeedShape()
    {
        using var response = await factory.Client(AuthFactory.NewNamespace()).GetAsync("/api/users/nothing-here");
        var errors = await AssertErrors(response, HttpStatusCode.NotFound);
        Assert.False(errors[0]!.AsObject().ContainsKey("field"));
    }
}
