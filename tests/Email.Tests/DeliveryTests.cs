using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hit.Contracts;
using Hit.Contracts.Email;

namespace Email.Tests;

/// <summary><c>POST /emails</c> and <c>GET /emails/{id}</c> as users and services; bad input refused with nothing queued.</summary>
[Collection(EmailCollection.Name)]
public sealed class DeliveryTests(EmailFactory factory)
{
    /// <summary>
    /// Instead of sleeping before "nothing else arrived": a later message, sent after every request under test and
    /// waited for until delivered, shows the queue was worked past them — an absence checked after it is not a race
    /// lost to a slow worker.
    /// </summary>
    private static async Task DeliverSentinelAsync(HttpClient client)
    {
        var sentinel = EmailFactory.NewEmail("sentinel");
        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(sentinel, Subject: "sentinel", Text: "t"), HitJsonContext.Default.SendEmailRequest);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await Maildev.WaitForAsync(sentinel));
    }

    [Fact]
    public async Task SendEmail_AsUserWithBuiltInTemplate_IsSentOverSmtp()
    {
        var ns = EmailFactory.NewNamespace();
        var tokens = await factory.RegisterAsync(ns, EmailFactory.NewEmail("sender"));
        using var client = factory.AppClient("email", ns, tokens.AccessToken);
        var to = EmailFactory.NewEmail("to");

        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(to, "auth.password-reset",
            new Dictionary<string, string> { ["link"] = "https://example.com/r?token=x", ["expiresAt"] = "tomorrow" }), HitJsonContext.Default.SendEmailRequest);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;
        Assert.Equal(EmailStates.Queued, queued.State);
        // Through the gateway: the address a client follows includes the app's /email prefix.
        Assert.Equal($"/email/emails/{queued.Id}", response.Headers.Location!.ToString());
        var sent = await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State == EmailStates.Sent);
        Assert.Equal("smtp", sent.Provider);
        Assert.Equal($"{queued.Id}@hit.email", sent.ProviderMessageId);
        Assert.Equal(1, sent.Attempts);
        var mail = (await Maildev.WaitForAsync(to)).Single();
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Contains("https://example.com/r?token=x", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendEmail_AsSignedService_WithParts_IsSent()
    {
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        var to = EmailFactory.NewEmail("svc");

        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(to, Subject: "Weekly digest", Html: "<p>Hello</p>", Text: "Hello"),
            HitJsonContext.Default.SendEmailRequest);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;
        Assert.Equal(ns, queued.Namespace);
        await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State == EmailStates.Sent);
        var mail = (await Maildev.WaitForAsync(to)).Single();
        Assert.Equal("Weekly digest", mail.Subject);
        Assert.Equal("Hello", mail.Text?.Trim());
    }

    [Fact]
    public async Task SendEmail_WithoutCredentials_Is401_AndAWrongSignatureToo()
    {
        using var anonymous = factory.AppClient("email", EmailFactory.NewNamespace());
        using var unsigned = await anonymous.PostAsJsonAsync("emails", new SendEmailRequest(EmailFactory.NewEmail(), Subject: "s", Text: "t"), HitJsonContext.Default.SendEmailRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("unauthorized", await CodeAsync(unsigned));

        using var forged = new HttpRequestMessage(HttpMethod.Post, "emails") { Content = JsonContent.Create(new { to = EmailFactory.NewEmail(), subject = "s", text = "t" }) };
        forged.Headers.Add("X-API-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add("X-API-Signature-Version", "2");
        forged.Headers.Add("X-API-Nonce", Guid.NewGuid().ToString("N"));
        forged.Headers.Add("X-API-Signature", new string('a', 64));
        using var refused = await anonymous.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("signature_invalid", await CodeAsync(refused));
    }

    [Fact]
    public async Task SendEmail_BadInput_Is4xxNamingTheField_AndNothingIsSent()
    {
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        var injected = EmailFactory.NewEmail("inject");
        var huge = EmailFactory.NewEmail("huge");
        var cases = new (object Body, HttpStatusCode Status, string Code, string? Field)[]
        {
            (new { subject = "s", text = "t" }, HttpStatusCode.BadRequest, "recipient_required", "to"),
            (new { to = "nobody", subject = "s", text = "t" }, HttpStatusCode.BadRequest, "recipient_invalid", "to"),
            (new { to = injected + "\r\nBcc: victim@example.com", subject = "s", text = "t" }, HttpStatusCode.BadRequest, "header_injection", "to"),
            (new { to = injected, subject = "Hello\r\nBcc: victim@example.com", text = "t" }, HttpStatusCode.BadRequest, "header_injection", "subject"),
            (new { to = injected, template = "auth.password-reset", data = new { link = "x", expiresAt = "\nBcc: victim@example.com" } }, HttpStatusCode.Accepted, "", ""),
            (new { to = injected, subject = "s" }, HttpStatusCode.BadRequest, "content_required", "html"),
            (new { to = injected, template = "no-such-template" }, HttpStatusCode.BadRequest, "template_not_found", "template"),
            (new { to = injected, template = "auth.verify-email", data = new { link = "x" } }, HttpStatusCode.BadRequest, "template_variable_missing", "data.expiresAt"),
            // 5 MB: over the function's declared body cap (1 MiB), refused before anything reads it.
            (new { to = huge, subject = "s", text = new string('x', 5 * 1024 * 1024) }, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "body"),
            (new { to = huge, subject = "s", text = new string('x', 300 * 1024) }, HttpStatusCode.RequestEntityTooLarge, "content_too_large", "body"),
        };

        foreach (var (body, status, code, field) in cases)
        {
            using var response = await client.PostAsJsonAsync("emails", body);
            Assert.Equal(status, response.StatusCode);
            if (status == HttpStatusCode.Accepted)
            {
                // Data goes into the body of a template, never into headers: the line break is harmless text there.
                continue;
            }

            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
            Assert.Equal(field, problem.RootElement.TryGetProperty("field", out var named) ? named.GetString() : null);
        }

        var allowed = (await Maildev.WaitForAsync(injected)).Single();
        await DeliverSentinelAsync(client);
        Assert.Equal([allowed.Id], (await Maildev.ForAsync(injected)).Select(m => m.Id));
        Assert.Empty(await Maildev.ForAsync(huge));
        Assert.Empty(await Maildev.ForAsync("victim@example.com"));
    }

    [Fact]
    public async Task SendEmail_AsUser_5MBBody_Is413_AndNothingIsSent()
    {
        var ns = EmailFactory.NewNamespace();
        var tokens = await factory.RegisterAsync(ns, EmailFactory.NewEmail("big"));
        using var client = factory.AppClient("email", ns, tokens.AccessToken);
        var to = EmailFactory.NewEmail("huge");

        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(to, Subject: "s", Text: new string('x', 5 * 1024 * 1024)), HitJsonContext.Default.SendEmailRequest);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await CodeAsync(response));
        await DeliverSentinelAsync(client);
        Assert.Empty(await Maildev.ForAsync(to));
    }

    [Fact]
    public async Task GetEmail_OfAnotherNamespace_Is404()
    {
        var ns = EmailFactory.NewNamespace();
        using var owner = factory.ServiceClient(ns);
        using var response = await owner.PostAsJsonAsync("emails", new SendEmailRequest(EmailFactory.NewEmail(), Subject: "s", Text: "t"), HitJsonContext.Default.SendEmailRequest);
        var queued = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;

        using var other = factory.ServiceClient(EmailFactory.NewNamespace());
        using var foreign = await other.GetAsync($"emails/{queued.Id}");

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    internal static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
