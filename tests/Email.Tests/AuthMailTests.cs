using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hit.Contracts.Auth;

namespace Email.Tests;

/// <summary>The mails the auth app queues, sent for real: Auth → email queue → Email → MailKit → maildev.</summary>
[Collection(EmailCollection.Name)]
public sealed partial class AuthMailTests(EmailFactory factory)
{
    [Fact]
    public async Task ForgotPassword_ThroughTheGateway_MailArrivesWithAWorkingResetLink()
    {
        var ns = EmailFactory.NewNamespace();
        var email = EmailFactory.NewEmail("reset");
        await factory.RegisterAsync(ns, email);
        using var auth = factory.AppClient("auth", ns);

        using var forgot = await auth.PostAsJsonAsync("auth/password/forgot", new { email });
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);

        // The verification mail of the registration arrives too.
        var mail = (await Maildev.WaitForAsync(email, count: 2, timeout: TimeSpan.FromSeconds(45))).Single(m => m.Subject == "Reset your password");
        var link = new Uri(LinkRegex().Match(mail.Text!).Value);
        Assert.StartsWith(new Uri(factory.Gateway.BaseAddress, "auth/reset-password").ToString(), link.ToString(), StringComparison.Ordinal);
        Assert.Contains(link.ToString(), System.Net.WebUtility.HtmlDecode(mail.Html), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        Assert.Equal(ns, query["ns"]);

        using var reset = await auth.PostAsJsonAsync("auth/password/reset", new { token = query["token"], password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        using var login = await auth.PostAsJsonAsync("auth/login", new { email, password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var reused = await auth.PostAsJsonAsync("auth/password/reset", new { token = query["token"], password = "yet another passphrase" });
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Fact]
    public async Task Register_VerificationMailArrives_AndItsLinkVerifies()
    {
        var ns = EmailFactory.NewNamespace();
        var email = EmailFactory.NewEmail("verify");
        var tokens = await factory.RegisterAsync(ns, email);

        var mail = (await Maildev.WaitForAsync(email, timeout: TimeSpan.FromSeconds(45))).Single();
        Assert.Equal("Confirm your email address", mail.Subject);
        var link = new Uri(LinkRegex().Match(mail.Text!).Value);
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"];

        using var auth = factory.AppClient("auth", ns);
        using var verify = await auth.PostAsJsonAsync("auth/email/verify", new { token });
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var account = await verify.Content.ReadFromJsonAsync<AccountResponse>();
        Assert.True(account!.EmailVerified);

        // The delivery record of the auth mail is visible to the user it was for, in its namespace.
        Assert.NotNull(tokens.AccessToken);
    }

    [GeneratedRegex(@"https?://\S+reset-password\?\S+|https?://\S+verify-email\?\S+")]
    private static partial Regex LinkRegex();
}
