using System.Net.Http.Json;
using System.Text.Json;

namespace Email.Tests;

/// <summary>maildev's REST API (<c>GET /email</c>): the mails that really arrived over SMTP.</summary>
public static class Maildev
{
    public static Uri Url => new(Environment.GetEnvironmentVariable("HIT_MAILDEV_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:1080");

    public static int SmtpPort => int.TryParse(Environment.GetEnvironmentVariable("HIT_SMTP_PORT"), out var port) ? port : 1025;

    private static readonly HttpClient Client = new() { BaseAddress = Url };

    public sealed record Mail(string Id, string Subject, string To, string? Html, string? Text, string? MessageId);

    /// <summary>Every mail maildev holds for <paramref name="to"/> (tests use unique addresses, so others' mails never match).</summary>
    public static async Task<IReadOnlyList<Mail>> ForAsync(string to)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/email"));
        var mails = new List<Mail>();
        foreach (var mail in document.RootElement.EnumerateArray())
        {
            var recipients = mail.GetProperty("to").EnumerateArray().Select(r => r.GetProperty("address").GetString());
            if (recipients.Any(r => string.Equals(r, to, StringComparison.OrdinalIgnoreCase)))
            {
                var headers = mail.TryGetProperty("headers", out var h) ? h : default;
                mails.Add(new Mail(mail.GetProperty("id").GetString()!, mail.GetProperty("subject").GetString() ?? "", to,
                    mail.TryGetProperty("html", out var html) ? html.GetString() : null,
                    mail.TryGetProperty("text", out var text) ? text.GetString() : null,
                    headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("message-id", out var id) ? id.GetString() : null));
            }
        }

        return mails;
    }

    /// <summary>Waits until <paramref name="count"/> mails for <paramref name="to"/> arrived (fails after <paramref name="timeout"/>).</summary>
    public static async Task<IReadOnlyList<Mail>> WaitForAsync(string to, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var mails = await ForAsync(to);
            if (mails.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(mails.Count >= count, $"Expected {count} mail(s) for {to} in maildev, found {mails.Count}.");
                return mails;
            }

            await Task.Delay(200);
        }
    }
}
