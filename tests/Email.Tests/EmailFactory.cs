using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Azure.Storage.Queues;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Contracts.Email;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Sdk.Http;
using Hit.Testing;
using Microsoft.Extensions.Hosting;

namespace Email.Tests;

/// <summary>
/// The built auth and email app roots (<c>./hit build auth email</c>) under local Functions hosts behind one
/// <see cref="LocalGateway"/>, on the stack <c>./hit test</c> started: Azurite (this factory's own email queue), the
/// Cosmos server, maildev over SMTP, and a <see cref="FakeSendGrid"/>. Mail flows Auth → queue → Email → maildev.
/// </summary>
public class EmailFactory : IAsyncLifetime
{
    public const string HmacSecret = "email-tests-hmac-secret-0123456789";
    public const string Issuer = "https://auth.hit.test";
    public const string Database = "hit-email-tests";

    private readonly List<LocalFunctionsHost> _hosts = [];

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public FakeSendGrid SendGrid { get; } = new();

    public string Queue { get; } = "email-test-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A namespace whose failover list is SendGrid only (its refusals are the fake's, by recipient).</summary>
    public string SendGridNamespace { get; } = NewNamespace();

    /// <summary>A recipient whose confirmed send kills the worker before it is recorded (the crash test).</summary>
    public string CrashRecipient { get; } = NewEmail("crash");

    public LocalFunctionsHost Email => _hosts.Single(h => h.AppName == "email");

    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync()
    {
        await SendGrid.StartAsync();
        await Gateway.StartAsync();
        Client.BaseAddress = Gateway.BaseAddress;

        var auth = await StartAsync("Auth", "auth", new Dictionary<string, string?>(TestStack.Settings(Database))
        {
            ["Auth:KeyEncryptionKey"] = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=",
            ["Auth:PasswordIterations"] = "100000",
            ["Auth:EmailQueue"] = Queue,
            ["Auth:PublicBaseUrl"] = new Uri(Gateway.BaseAddress, "auth/").ToString(),
            ["Auth:RateLimits:ForwardedForHops"] = "1",
            ["Auth:RateLimits:LoginPerMinute"] = "1000",
            ["Auth:RateLimits:RegisterPerMinute"] = "1000",
            ["Auth:RateLimits:PasswordResetPerMinute"] = "1000",
            ["HitAuth:Issuer"] = Issuer,
            ["HitAuth:Audience"] = "hit",
        });
        await StartAsync("Email", "email", EmailSettings(new Uri(auth.BaseAddress, ".well-known/jwks.json")));
    }

    /// <summary>The email app's settings against this stack; <paramref name="more"/> overrides.</summary>
    public Dictionary<string, string?> EmailSettings(Uri jwks, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(TestStack.Settings(Database))
        {
            ["Email:Queue"] = Queue,
            ["Email:From"] = "no-reply@hit.test",
            ["Email:Providers:0"] = "smtp",
            ["Email:Providers:1"] = "sendgrid",
            ["Email:Namespaces:" + SendGridNamespace + ":Providers:0"] = "sendgrid",
            ["Email:AttemptsPerProvider"] = "2",
            ["Email:RetryDelay"] = "00:00:00.300",
            ["Email:MaxRetryDelay"] = "00:00:02",
            ["Email:SendTimeout"] = "00:00:03",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:SmtpPort"] = Maildev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:SendGrid:ApiKey"] = FakeSendGrid.ApiKey,
            ["Email:SendGrid:BaseUrl"] = SendGrid.BaseAddress.ToString(),
            ["Email:Hmac:Secrets:0"] = HmacSecret,
            ["Email:Hmac:AcceptedVersions:0"] = "2",
            ["Email:Testing:CrashAfterSendTo"] = CrashRecipient,
            ["HitAuth:Issuer"] = Issuer,
            ["HitAuth:Audience"] = "hit",
            ["HitAuth:JwksUrl"] = jwks.ToString(),
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public Uri AuthJwks => new(_hosts.Single(h => h.AppName == "auth").BaseAddress, ".well-known/jwks.json");

    /// <summary>Starts a built app root under its own local host behind the gateway (<paramref name="appName"/> unique).</summary>
    public async Task<LocalFunctionsHost> StartAsync(string folder, string appName, IReadOnlyDictionary<string, string?> settings)
    {
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot(folder),
            AppName = appName,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(250),
            Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(settings.Append(new("Logging:LogLevel:Default", "Warning"))))
            {
                // Core Tools' environment locally; it admits the Email:Testing hook.
                ["AZURE_FUNCTIONS_ENVIRONMENT"] = Environments.Development,
            },
        });
        await host.StartAsync();
        _hosts.Add(host);
        Gateway.AddApp(host);
        return host;
    }

    public static string NewNamespace() => "t-" + Guid.NewGuid().ToString("N")[..16];

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>A client of app <paramref name="app"/> through the gateway, as a user (bearer) or anonymous.</summary>
    public HttpClient AppClient(string app, string ns, string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Gateway.BaseAddress, app + "/") };
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}");
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A service client of the email app signing every request with HMAC v2 (the app sees paths without /email).</summary>
    public HttpClient ServiceClient(string ns)
    {
        var baseAddress = new Uri(Gateway.BaseAddress, "email/");
        var client = new HttpClient(new HmacSigningHandler(new HmacSigningOptions { Secret = HmacSecret, Version = 2, BaseAddress = baseAddress })
        {
            InnerHandler = new HttpClientHandler(),
        })
        { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return client;
    }

    /// <summary>Registers a user in <paramref name="ns"/> through the gateway; its access token is a valid email caller.</summary>
    public async Task<TokenResponse> RegisterAsync(string ns, string email, string password = "correct horse battery")
    {
        using var client = AppClient("auth", ns);
        using var response = await client.PostAsJsonAsync("auth/register", new { email, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
    }

    /// <summary>Polls <c>GET /emails/{id}</c> until <paramref name="done"/> holds.</summary>
    public static async Task<EmailResponse> WaitForStateAsync(HttpClient client, string id, Func<EmailResponse, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync($"emails/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var email = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.EmailResponse))!;
                if (done(email))
                {
                    return email;
                }

                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"Email {id} is {email.State} (attempts {email.Attempts}, {email.FailureCode}) after the timeout.");
                }
            }
            else if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"GET /emails/{id} answered {(int)response.StatusCode}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Puts raw text on this factory's email queue (Base64, as the apps write).</summary>
    public async Task EnqueueAsync(string text)
    {
        var queue = new QueueClient(TestStack.StorageConnection, Queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(text);
    }

    /// <summary>A port nothing listens on (bound, then released): SMTP "down".</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        var service = new QueueServiceClient(TestStack.StorageConnection);
        await service.GetQueueClient(Queue).DeleteIfExistsAsync();
        await service.GetQueueClient(Queue + "-poison").DeleteIfExistsAsync();
        await SendGrid.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

[CollectionDefinition(Name)]
public sealed class EmailCollection : ICollectionFixture<EmailFactory>
{
    public const string Name = "email";
}
