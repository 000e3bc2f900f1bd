using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Platform.Storage;
using Hit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Tests;

/// <summary>
/// The auth app in-process against the real Cosmos server and Azurite the test run started. Each factory has its
/// own mail queue; <paramref name="settings"/> override the defaults (a class that rotates keys also gets its own
/// database, so it cannot disturb tokens other classes hold).
/// </summary>
public class AuthFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    public const string Issuer = "https://auth.hit.test";
    public const string Audience = "hit";

    public AuthFactory()
    {
    }

    protected AuthFactory(IReadOnlyDictionary<string, string?> settings, string database = "hit-auth-tests")
    {
        _settings = settings;
        Database = database;
    }

    public string Database { get; } = "hit-auth-tests";

    public string EmailQueue { get; } = "email-test-" + Guid.NewGuid().ToString("N")[..20];

    public static Dictionary<string, string?> BaseSettings(string emailQueue, string database) => new(TestStack.Settings(database))
    {
        ["Auth:KeyEncryptionKey"] = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=",
        ["Auth:PasswordIterations"] = "100000",
        ["Auth:EmailQueue"] = emailQueue,
        ["Auth:RateLimits:ForwardedForHops"] = "1",
        ["Auth:RateLimits:LoginPerMinute"] = "1000",
        ["Auth:RateLimits:RegisterPerMinute"] = "1000",
        ["Auth:RateLimits:RefreshPerMinute"] = "1000",
        ["Auth:RateLimits:PasswordResetPerMinute"] = "1000",
        ["HitAuth:Issuer"] = Issuer,
        ["HitAuth:Audience"] = Audience,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in BaseSettings(EmailQueue, Database))
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public static string NewNamespace() => "t-" + Guid.NewGuid().ToString("N")[..16];

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>A client in namespace <paramref name="ns"/> from its own client address (so per-IP limits never collide).</summary>
    public HttpClient Client(string ns, string? bearer = null, string? ip = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip ?? RandomIp());
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public static string RandomIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public async Task<TokenResponse> RegisterAsync(string ns, string email, string password = "correct horse battery")
    {
        using var client = Client(ns);
        using var response = await client.PostAsJsonAsync("/auth/register", new { email, password });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
    }

    private readonly List<AuthEmailMessage> _mails = [];
    private readonly SemaphoreSlim _mailGate = new(1, 1);

    /// <summary>
    /// Every mail this factory's app has queued so far: drains the queue (receive + delete, any number of messages)
    /// into a list kept for the factory's lifetime, so parallel tests each find theirs.
    /// </summary>
    public async Task<IReadOnlyList<AuthEmailMessage>> MailsAsync()
    {
        var queue = Services.GetRequiredService<QueueServiceClient>().GetQueueClient(EmailQueue);
        await _mailGate.WaitAsync();
        try
        {
            while (true)
            {
                var batch = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5));
                if (batch.Count == 0)
                {
                    return [.. _mails];
                }

                foreach (var message in batch)
                {
                    _mails.Add(JsonSerializer.Deserialize(message.Body!.ToString(), HitJsonContext.Default.AuthEmailMessage)!);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
        finally
        {
            _mailGate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                Services.GetRequiredService<QueueServiceClient>().GetQueueClient(EmailQueue).DeleteIfExistsAsync().GetAwaiter().GetResult();
            }
            catch (ObjectDisposedException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        base.Dispose(disposing);
    }
}
