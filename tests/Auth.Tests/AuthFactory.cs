using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Hit.Auth;
using Hit.Auth.Keys;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.LocalHost;
using Hit.Platform.Worker;
using Hit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace Auth.Tests;

/// <summary>
/// The built auth app root (artifacts/apps/Auth, from <c>./hit build auth</c>) running under the local Functions
/// host — the worker process, the host's routes and proxying — against the real Cosmos server and Azurite the test
/// run started. Each factory has its own mail queue; <paramref name="settings"/> override the defaults (a class that
/// rotates keys also gets its own database, so it cannot disturb tokens other classes hold).
/// <see cref="Services"/> are the app's own key ring and container, in the test process, on the same database and
/// key-encryption key: what a test inspects or changes behind the app's back.
/// </summary>
public class AuthFactory : IAsyncLifetime, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly SemaphoreSlim _hostGate = new(1, 1);
    private LocalFunctionsHost? _host;
    private ServiceProvider? _services;
    private QueueClient? _mailQueue;

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

    /// <summary>The app's address under the local host.</summary>
    public Uri BaseAddress => (_host ?? throw new InvalidOperationException("The app is not started.")).BaseAddress;

    /// <summary>The key ring (<see cref="KeyRing"/>) and the <c>auth</c> container, in-process, on the app's database.</summary>
    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The app is not started.");

    public static Dictionary<string, string?> BaseSettings(string emailQueue, string database) => new(TestStack.Settings(database))
    {
        ["Auth:KeyEncryptionKey"] = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=",
        // Test-sized Argon2id (milliseconds a hash instead of ≈ 100–300 ms): the app runs as Development, the only environment
        // whose start-up check admits parameters below OWASP's minimum. PasswordTests check the real defaults.
        ["Auth:Passwords:MemoryKiB"] = "1024",
        ["Auth:Passwords:Iterations"] = "1",
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

    /// <summary>The app's settings: the defaults, this factory's overrides, then <paramref name="more"/>.</summary>
    protected Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = BaseSettings(EmailQueue, Database);
        foreach (var (key, value) in (_settings ?? new Dictionary<string, string?>()).Concat(more ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>What the test process registers besides the key ring (the clock, in <see cref="ClockFactory"/>).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        var settings = Settings();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddAuthStore(configuration, new HostingEnvironment { EnvironmentName = Environments.Production });
        services.AddKeys();
        ConfigureServices(services);
        _services = services.BuildServiceProvider();
        _mailQueue = new QueueServiceClient(TestStack.StorageConnection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
            .GetQueueClient(EmailQueue);
        await StartHostAsync(settings);
    }

    /// <summary>Starts the app (again) with <paramref name="settings"/>; its state lives in Cosmos and the queue, not in the process.</summary>
    protected async Task StartHostAsync(IReadOnlyDictionary<string, string?> settings)
    {
        await _hostGate.WaitAsync();
        try
        {
            // A restart keeps the port, so clients a test already holds reach the new process.
            var port = 0;
            if (_host is not null)
            {
                port = _host.BaseAddress.Port;
                await _host.DisposeAsync();
                _host = null;
            }

            var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
            {
                AppRoot = TestStack.AppRoot("Auth"),
                AppName = "auth",
                Port = port,
                Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(settings))
                {
                    // The Functions Core Tools' environment locally; it admits WorkerClock's offset (ClockFactory).
                    ["AZURE_FUNCTIONS_ENVIRONMENT"] = Environments.Development,
                },
            });
            await host.StartAsync();
            _host = host;
        }
        finally
        {
            _hostGate.Release();
        }
    }

    public static string NewNamespace() => "t-" + Guid.NewGuid().ToString("N")[..16];

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>A client in namespace <paramref name="ns"/> from its own client address (so per-IP limits never collide).</summary>
    public HttpClient Client(string ns, string? bearer = null, string? ip = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };
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
    /// Every mail this factory's app has queued so far: drains the queue (receive + delete, any number of messages,
    /// Base64 as the app writes it) into a list kept for the factory's lifetime, so parallel tests each find theirs.
    /// </summary>
    public async Task<IReadOnlyList<AuthEmailMessage>> MailsAsync()
    {
        var queue = _mailQueue ?? throw new InvalidOperationException("The app is not started.");
        await _mailGate.WaitAsync();
        try
        {
            if (!await queue.ExistsAsync())
            {
                return [.. _mails];
            }

            while (true)
            {
                var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                if (batch.Length == 0)
                {
                    return [.. _mails];
                }

                foreach (var message in batch)
                {
                    _mails.Add(JsonSerializer.Deserialize(message.Body.ToString(), HitJsonContext.Default.AuthEmailMessage)!);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
        finally
        {
            _mailGate.Release();
        }
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }

        if (_mailQueue is not null)
        {
            await _mailQueue.DeleteIfExistsAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
            _services = null;
        }

        GC.SuppressFinalize(this);
    }
}
