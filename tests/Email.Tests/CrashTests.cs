using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Email;

namespace Email.Tests;

/// <summary>Exactly once as far as the app controls it: the worker dies between a confirmed send and its record.</summary>
[Collection(EmailCollection.Name)]
public sealed class CrashTests(EmailFactory factory)
{
    [Fact]
    public async Task WorkerKilledAfterConfirmedSend_RedeliveredMessage_SendsNoDuplicate()
    {
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        var worker = factory.Email.HandlerProcessId;

        using var response = await client.PostAsJsonAsync("emails", new SendEmailRequest(factory.CrashRecipient, Subject: "Only once", Text: "Once"),
            HitJsonContext.Default.SendEmailRequest);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;

        // The mail arrives, and the worker that sent it is gone (Email:Testing:CrashAfterSendTo killed it before the record).
        await Maildev.WaitForAsync(factory.CrashRecipient);
        var final = await EmailFactory.WaitForStateAsync(client, queued.Id, e => e.State is EmailStates.Sent or EmailStates.Failed, TimeSpan.FromSeconds(60));
        Assert.NotEqual(worker, factory.Email.HandlerProcessId);
        Assert.Equal((EmailStates.Failed, "outcome_unknown", 1), (final.State, final.FailureCode, final.Attempts));

        // The queue redelivered the message to the restarted worker; it must not have sent again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await Maildev.ForAsync(factory.CrashRecipient));
    }
}
