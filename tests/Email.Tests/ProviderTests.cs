using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Email;

namespace Email.Tests;

/// <summary>SendGrid (the fake), failover, retry with backoff, permanent failures, poison messages.</summary>
[Collection(EmailCollection.Name)]
public sealed class ProviderTests(EmailFactory factory)
{
    private static async Task<EmailResponse> SendAsync(HttpClient client, string to)
    {
        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(to, Subject: "Provider test", Text: "Hello"), HitJsonContext.Default.SendEmailRequest);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;
    }

    [Fact]
    public async Task SendGridNamespace_IsSentBySendGrid_WithItsMessageId()
    {
        using var client = factory.ServiceClient(factory.SendGridNamespace);
        var to = EmailFactory.NewEmail("sg");

        var queued = await SendAsync(client, to);

        var sent = await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State == EmailStates.Sent);
        Assert.Equal("sendgrid", sent.Provider);
        Assert.StartsWith("sg-", sent.ProviderMessageId, StringComparison.Ordinal);
        Assert.Single(factory.SendGrid.Accepted, a => a.To == to && a.DeliveryId == queued.Id && a.Subject == "Provider test");
    }

    [Fact]
    public async Task ProviderRefusal4xx_FailsAtOnce_WithoutRetry()
    {
        using var client = factory.ServiceClient(factory.SendGridNamespace);
        var to = "sg-reject-" + EmailFactory.NewEmail();

        var queued = await SendAsync(client, to);

        var failed = await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State == EmailStates.Failed);
        Assert.Equal(("provider_rejected", 1), (failed.FailureCode, failed.Attempts));
        // No sleep before "no retry": a later message through the same provider, once sent, shows the queue moved on.
        var later = await SendAsync(client, EmailFactory.NewEmail("sg-after"));
        await EmailFactory.WaitForStateAsync(client, later.Id, e => e.State == EmailStates.Sent);
        Assert.Single(factory.SendGrid.Refused, r => r == to);
    }

    [Fact]
    public async Task TransientFailures_RetryWithBackoff_ThenFail()
    {
        using var client = factory.ServiceClient(factory.SendGridNamespace);
        var to = "sg-busy-" + EmailFactory.NewEmail();

        var queued = await SendAsync(client, to);

        var failed = await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State == EmailStates.Failed);
        Assert.Equal(("retries_exhausted", 2), (failed.FailureCode, failed.Attempts));
        Assert.Contains("SendGrid 503", failed.FailureReason, StringComparison.Ordinal);
        // The second attempt waited for the backoff (RetryDelay 300 ms, -20 % jitter at most).
        var times = factory.SendGrid.RefusedAt.Where(r => r.To == to).Select(r => r.At).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(240), $"The retry came {(times[1] - times[0]).TotalMilliseconds} ms after the failure ({times.Count} refusals: {string.Join(", ", times.Select(t => t.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}).");
        Assert.Equal(2, factory.SendGrid.Refused.Count(r => r == to));
    }

    [Fact]
    public async Task SmtpDown_RetriesThenFailsOverToSendGrid()
    {
        // A second email app whose SMTP server is down, on its own queue.
        var queue = "email-down-" + Guid.NewGuid().ToString("N")[..16];
        var settings = factory.EmailSettings(factory.AuthJwks, new Dictionary<string, string?>
        {
            ["Email:Queue"] = queue,
            ["Email:Smtp:SmtpPort"] = EmailFactory.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await factory.StartAsync("Email", "email-smtp-down", settings);
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        client.BaseAddress = new Uri(factory.Gateway.BaseAddress, "email-smtp-down/");
        using var signed = new HttpClient(new Hit.Sdk.Http.HmacSigningHandler(new Hit.Sdk.Http.HmacSigningOptions { Secret = EmailFactory.HmacSecret, BaseAddress = client.BaseAddress })
        {
            InnerHandler = new HttpClientHandler(),
        })
        { BaseAddress = client.BaseAddress };
        signed.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        var to = EmailFactory.NewEmail("failover");

        var queued = await SendAsync(signed, to);

        var sent = await EmailFactory.WaitForStateAsync(signed, queued.Id, e => e.State is EmailStates.Sent or EmailStates.Failed, TimeSpan.FromSeconds(45));
        Assert.Equal((EmailStates.Sent, "sendgrid", 3), (sent.State, sent.Provider, sent.Attempts));
        Assert.Single(factory.SendGrid.Accepted, a => a.To == to);
        Assert.Empty(await Maildev.ForAsync(to));
    }

    [Fact]
    public async Task UnknownVersion_LandsInPoison_AndIsListedForItsNamespaceOnly()
    {
        var ns = EmailFactory.NewNamespace();
        var messageId = Guid.NewGuid().ToString("N");
        await factory.EnqueueAsync($$$"""{"version":99,"messageId":"{{{messageId}}}","namespace":"{{{ns}}}","template":"auth.verify-email","to":"a@example.com","data":{"token":"secret-token"}}""");
        using var client = factory.ServiceClient(ns);

        PoisonMessageResponse? item = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (item is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var response = await client.GetAsync("emails/poison");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("secret-token", text, StringComparison.Ordinal);
            item = System.Text.Json.JsonSerializer.Deserialize(text, HitJsonContext.Default.PoisonMessageList)!.Items.FirstOrDefault(i => i.MessageId == messageId);
        }

        Assert.NotNull(item);
        Assert.Equal((99, ns), (item.Version, item.Namespace));
        Assert.Contains("Unknown message version", item.Reason, StringComparison.Ordinal);
        using var other = factory.ServiceClient(EmailFactory.NewNamespace());
        var foreign = await other.GetFromJsonAsync("emails/poison", HitJsonContext.Default.PoisonMessageList);
        Assert.DoesNotContain(foreign!.Items, i => i.MessageId == messageId);
    }
}
