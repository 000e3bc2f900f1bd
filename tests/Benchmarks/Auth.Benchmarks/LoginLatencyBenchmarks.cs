using System.Net.Http.Json;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Hit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Auth.Benchmarks;

/// <summary>
/// A whole <c>POST /auth/login</c> (in-process server, real Cosmos server and Azurite from <c>./hit stack</c>:
/// HIT_COSMOS_ENDPOINT / HIT_STORAGE_CONNECTION) against PBKDF2 alone at the same cost: how much of a login is the KDF.
/// </summary>
public class LoginLatencyBenchmarks
{
    private const string Password = "correct horse battery staple";
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private AuthApp _app = null!;
    private HttpClient _client = null!;
    private string _email = null!;

    private sealed class AuthApp : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // A fresh database per run, so no key ring from an earlier run (under another key) is found.
            foreach (var (key, value) in TestStack.Settings(database: "hit-auth-bench-" + Guid.NewGuid().ToString("N")[..12]))
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("Auth:KeyEncryptionKey", "YmVuY2htYXJrLW9ubHkta2V5LTMyLWJ5dGVzLWxvbmc=");
            builder.UseSetting("Auth:EmailQueue", "email-bench");
            builder.UseSetting("Auth:RateLimits:LoginPerMinute", "100000");
            builder.UseSetting("HitAuth:Issuer", "https://auth.hit.bench");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _app = new AuthApp();
        _client = _app.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Hit-Namespace", "bench");
        _email = $"bench-{Guid.NewGuid():N}@example.com";
        using var register = _client.PostAsJsonAsync("/auth/register", new { email = _email, password = Password }).GetAwaiter().GetResult();
        register.EnsureSuccessStatusCode();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Rfc2898DeriveBytes.Pbkdf2 SHA-512, 210,000 (reference)")]
    public byte[] Pbkdf2Alone() => Rfc2898DeriveBytes.Pbkdf2(Password, _salt, 210_000, HashAlgorithmName.SHA512, 32);

    [Benchmark(Description = "POST /auth/login (verify, session, ES256 token)")]
    public async Task<int> Login()
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { email = _email, password = Password });
        response.EnsureSuccessStatusCode();
        return (int)response.StatusCode;
    }
}
