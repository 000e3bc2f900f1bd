using System.Net;
using System.Net.Http.Json;
using Hit.Auth.Accounts;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Tests;

public sealed class AccountTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    [Fact]
    public async Task Register_NewEmail_ReturnsEs256TokenWithAllClaims_AndRefreshToken()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail();

        var tokens = await factory.RegisterAsync(ns, email);

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(900, tokens.ExpiresIn);
        Assert.StartsWith("hrt1.", tokens.RefreshToken, StringComparison.Ordinal);
        var jwt = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal(tokens.User.Id, jwt.Subject);
        Assert.Equal(ns, jwt.GetClaim("ns").Value);
        Assert.Equal(email, jwt.GetClaim("email").Value);
        Assert.False(string.IsNullOrEmpty(jwt.GetClaim("sid").Value));
        Assert.Equal(AuthFactory.Issuer, jwt.Issuer);
        Assert.Equal([AuthFactory.Audience], jwt.Audiences);
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.False(tokens.User.EmailVerified);
    }

    [Fact]
    public async Task Register_SameEmailTwice_IsConflict_EvenWithOtherCaseAndUnicodeForm()
    {
        var ns = AuthFactory.NewNamespace();
        var local = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await factory.RegisterAsync(ns, $"{local}@example.com");
        using var client = factory.Client(ns);

        // Upper case, surrounding spaces, and full-width letters for the domain all fold to the same address.
        foreach (var variant in new[] { $"{local.ToUpperInvariant()}@EXAMPLE.COM", $"  {local}@example.com ", $"{local}@ｅｘａｍｐｌｅ.com" })
        {
            using var response = await client.PostAsJsonAsync("/auth/register", new { email = variant, password = "correct horse battery" });
            await response.AssertProblem(HttpStatusCode.Conflict, "email_taken", "email");
        }
    }

    [Fact]
    public async Task Register_SameEmailConcurrently_ExactlyOneWins()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("race");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await factory.Client(ns).PostAsJsonAsync("/auth/register", new { email, password = "correct horse battery" });
            return response.StatusCode;
        }));

        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task Register_SameEmailInAnotherNamespace_IsAnotherAccount()
    {
        var email = AuthFactory.NewEmail();
        var a = await factory.RegisterAsync(AuthFactory.NewNamespace(), email);
        var b = await factory.RegisterAsync(AuthFactory.NewNamespace(), email);

        Assert.NotEqual(a.User.Id, b.User.Id);
    }

    [Theory]
    [InlineData("short7!", "password")]
    [InlineData("password123", "password")]
    [InlineData("Qwertyuiop", "password")]
    public async Task Register_WeakPassword_Is400NamingPassword(string password, string field)
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var response = await client.PostAsJsonAsync("/auth/register", new { email = AuthFactory.NewEmail(), password });
        await response.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Fact]
    public async Task Register_PasswordOver256Characters_Is400()
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var response = await client.PostAsJsonAsync("/auth/register", new { email = AuthFactory.NewEmail(), password = new string('x', 257) });
        await response.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "password");
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("")]
    [InlineData("two@@example.com")]
    public async Task Register_InvalidEmail_Is400NamingEmail(string email)
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var response = await client.PostAsJsonAsync("/auth/register", new { email, password = "correct horse battery" });
        await response.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "email");
    }

    [Theory]
    [InlineData("{not json", "body", "malformed_json")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": ", "password", "malformed_json")]
    [InlineData("{\"email\": 42, \"password\": \"correct horse battery\"}", "email", "malformed_json")]
    [InlineData("{\"password\": \"correct horse battery\"}", "email", "validation_failed")]
    [InlineData("{\"email\": \"a@example.com\"}", "password", "validation_failed")]
    [InlineData("", "body", "body_required")]
    [InlineData("null", "body", "body_required")]
    public async Task Register_BadBody_Is400NamingTheField(string json, string field, string code)
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        using var response = await client.PostAsync("/auth/register", TestHelpers.RawJson(json));
        await response.AssertProblem(HttpStatusCode.BadRequest, code, field);
    }

    [Fact]
    public async Task Login_OversizedBody_Is413NamingBody()
    {
        using var client = factory.Client(AuthFactory.NewNamespace());
        var json = "{\"email\":\"a@example.com\",\"password\":\"" + new string('x', 70_000) + "\"}";
        using var response = await client.PostAsync("/auth/login", TestHelpers.RawJson(json));
        await response.AssertProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "body");
    }

    [Fact]
    public async Task Login_RightPassword_IssuesNewSession_WrongPasswordAndUnknownEmailAnswerTheSame()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail();
        var registered = await factory.RegisterAsync(ns, email);
        using var client = factory.Client(ns);

        using var ok = await client.PostAsJsonAsync("/auth/login", new { email = email.ToUpperInvariant(), password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var tokens = (await ok.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
        Assert.Equal(registered.User.Id, tokens.User.Id);
        Assert.NotEqual(new JsonWebToken(registered.AccessToken).GetClaim("sid").Value, new JsonWebToken(tokens.AccessToken).GetClaim("sid").Value);

        using var wrong = await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong horse battery" });
        var wrongProblem = await wrong.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        using var unknown = await client.PostAsJsonAsync("/auth/login", new { email = AuthFactory.NewEmail(), password = "wrong horse battery" });
        var unknownProblem = await unknown.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal((string?)wrongProblem["detail"], (string?)unknownProblem["detail"]);
    }

    [Fact]
    public async Task Login_InAnotherNamespace_DoesNotFindTheAccount()
    {
        var email = AuthFactory.NewEmail();
        await factory.RegisterAsync(AuthFactory.NewNamespace(), email);
        using var client = factory.Client(AuthFactory.NewNamespace());

        using var response = await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        await response.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Register_StoresAnArgon2idPhcHash()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail();
        await factory.RegisterAsync(ns, email);
        var container = await factory.Services.GetRequiredKeyedService<HitContainer>("auth").GetContainerAsync();
        var key = EmailAddress.Key(email);

        var account = (await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key)))!;

        // The test settings' parameters (AuthFactory), in the hash itself.
        Assert.Matches(@"^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", account.PasswordHash);
    }

    [Fact]
    public async Task Login_AccountWithAPbkdf2Hash_SignsIn_AndItsHashBecomesArgon2id_WrongPasswordsAreRefusedWithEither()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail();
        await factory.RegisterAsync(ns, email);
        var container = await factory.Services.GetRequiredKeyedService<HitContainer>("auth").GetContainerAsync();
        var key = EmailAddress.Key(email);
        var account = (await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key)))!;
        // An account from before Argon2id: PasswordHasher v3 (PBKDF2-HMAC-SHA512, 210,000 iterations, the old default).
        var pbkdf2 = new Microsoft.AspNetCore.Identity.PasswordHasher<object>(Microsoft.Extensions.Options.Options.Create(
            new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = 210_000 })).HashPassword(new object(), "correct horse battery");
        await container.UpsertItemAsync(account with { PasswordHash = pbkdf2, ETag = null });
        using var client = factory.Client(ns);

        using var wrongPbkdf2 = await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong horse battery" });
        await wrongPbkdf2.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(pbkdf2, (await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key)))!.PasswordHash);

        using var response = await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upgraded = (await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key)))!;
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", upgraded.PasswordHash, StringComparison.Ordinal);

        using var wrongArgon2 = await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong horse battery" });
        await wrongArgon2.AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        using var again = await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // Already current: not rewritten.
        Assert.Equal(upgraded.PasswordHash, (await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key)))!.PasswordHash);
    }

    [Fact]
    public async Task UsersMe_WithToken_ReturnsTheAccount_WithoutToken401_OtherNamespaceHeader403()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail();
        var tokens = await factory.RegisterAsync(ns, email);

        using var me = await factory.Client(ns, tokens.AccessToken).GetAsync("/users/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var account = (await me.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!;
        Assert.Equal(new AccountResponse(tokens.User.Id, email, ns, false, account.CreatedAt), account);

        using var anonymous = await factory.Client(ns).GetAsync("/users/me");
        await anonymous.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());

        using var crossTenant = await factory.Client(AuthFactory.NewNamespace(), tokens.AccessToken).GetAsync("/users/me");
        await crossTenant.AssertProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Verify_ValidToken_ReturnsClaims_GarbageIs401()
    {
        var ns = AuthFactory.NewNamespace();
        var tokens = await factory.RegisterAsync(ns, AuthFactory.NewEmail());
        using var client = factory.Client(ns);

        using var ok = await client.PostAsJsonAsync("/auth/verify", new { token = tokens.AccessToken });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var claims = (await ok.Content.ReadFromJsonAsync(HitJsonContext.Default.VerifyTokenResponse))!;
        Assert.True(claims.Valid);
        Assert.Equal(tokens.User.Id, claims.Sub);
        Assert.Equal(ns, claims.Ns);
        Assert.Equal(claims.Iat + 900, claims.Exp);

        using var bad = await client.PostAsJsonAsync("/auth/verify", new { token = "abc.def.ghi" });
        await bad.AssertProblem(HttpStatusCode.Unauthorized, "invalid_token");
        using var missing = await client.PostAsJsonAsync("/auth/verify", new { });
        await missing.AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "token");
    }

    [Fact]
    public async Task Register_QueuesVersionedVerificationMail_AndTheTokenVerifiesOnce()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("verify");
        var tokens = await factory.RegisterAsync(ns, email);

        var mail = Assert.Single(await factory.MailsAsync(), m => m.To == email);
        Assert.Equal(1, mail.Version);
        Assert.Equal(AuthEmailMessage.Templates.VerifyEmail, mail.Template);
        Assert.Equal(ns, mail.Namespace);
        Assert.Contains(mail.Data["token"], mail.Data["link"], StringComparison.Ordinal);

        using var client = factory.Client(ns);
        using var verified = await client.PostAsJsonAsync("/auth/email/verify", new { token = mail.Data["token"] });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True((await verified.Content.ReadFromJsonAsync(HitJsonContext.Default.AccountResponse))!.EmailVerified);

        using var again = await client.PostAsJsonAsync("/auth/email/verify", new { token = mail.Data["token"] });
        await again.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");

        // The token is bound to its namespace.
        using var elsewhere = await factory.Client(AuthFactory.NewNamespace()).PostAsJsonAsync("/auth/email/verify", new { token = mail.Data["token"] });
        await elsewhere.AssertProblem(HttpStatusCode.BadRequest, "invalid_one_time_token", "token");
        Assert.NotNull(tokens);
    }

    [Fact]
    public async Task ResendVerification_QueuesAnotherMail_ForTheCallerOnly()
    {
        var ns = AuthFactory.NewNamespace();
        var email = AuthFactory.NewEmail("resend");
        var tokens = await factory.RegisterAsync(ns, email);

        using var resend = await factory.Client(ns, tokens.AccessToken).PostAsync("/auth/email/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        using var anonymous = await factory.Client(ns).PostAsync("/auth/email/resend", null);
        await anonymous.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");

        var mails = (await factory.MailsAsync()).Where(m => m.To == email).ToList();
        Assert.Equal(2, mails.Count);
        Assert.NotEqual(mails[0].Data["token"], mails[1].Data["token"]);
        Assert.NotEqual(mails[0].MessageId, mails[1].MessageId);
    }
}
