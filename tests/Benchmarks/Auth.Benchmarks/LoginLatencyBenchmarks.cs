using System.Net.Http.Json;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hit.LocalHost;
using Konscious.Security.Cryptography;
using Hit.Testing;

namespace Auth.Benchmarks;

/// <summary>
/// A whole <c>POST /auth/login</c> through the local Functions host (the built app root from <c>./hit build auth</c>,
/// its worker process, the host's proxying; real Cosmos server and Azurite from <c>./hit stack</c>:
/// HIT_COSMOS_ENDPOINT / HIT_STORAGE_CONNECTION) against Argon2id alone at the app's default parameters: how much of a
/// login is the KDF.
/// </summary>
public class LoginLatencyBenchmarks
{
    private const string Password = "correct horse battery staple";
    private readonly byte[] _salt = new byte[16];
    private LocalFunctionsHost _host = null!;
    private HttpClient _client = null!;
    private string _email = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        // A fresh database per run, so no key ring from an earlier run (under another key) is found.
        var settings = new Dictionary<string, string?>(TestStack.Settings(database: "hit-auth-bench-" + Guid.NewGuid().ToString("N")[..12]))
        {
            ["Auth:KeyEncryptionKey"] = "YmVuY2htYXJrLW9ubHkta2V5LTMyLWJ5dGVzLWxvbmc=",
            ["Auth:EmailQueue"] = "email-bench",
            ["Auth:RateLimits:LoginPerMinute"] = "100000",
            ["HitAuth:Issuer"] = "https://auth.hit.bench",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("Auth"),
            AppName = "auth",
            Settings = TestStack.AsEnvironment(settings),
        });
        await _host.StartAsync();
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
        _client.DefaultRequestHeaders.Add("X-Hit-Namespace", "bench");
        _email = $"bench-{Guid.NewGuid():N}@example.com";
        using var register = await _client.PostAsJsonAsync("/auth/register", new { email = _email, password = Password });
        register.EnsureSuccessStatusCode();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "Argon2id alone, m = 19 MiB, t = 2, p = 1 (reference: the app's default)")]
    public byte[] Argon2idAlone()
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(Password)) { Salt = _salt, MemorySize = 19_456, Iterations = 2, DegreeOfParallelism = 1 };
        return argon2.GetBytes(32);
    }

    [Benchmark(Description = "POST /auth/login through the local host (verify, session, ES256 token)")]
    public async Task<int> Login()
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { email = _email, password = Password });
        response.EnsureSuccessStatusCode();
        return (int)response.StatusCode;
    }
}
