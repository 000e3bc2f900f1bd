using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Tests.Worker;

/// <summary>
/// A worker app built with <c>AddHitPlatform()</c> but not started (starting needs a Functions host on the other end
/// of the gRPC channel): its services run the platform's per-request steps against a <see cref="DefaultHttpContext"/>,
/// the same object the ASP.NET Core integration hands to worker middleware.
/// </summary>
internal sealed class WorkerTestHost : IDisposable
{
    public const string Issuer = "https://auth.hit.test";
    public const string Audience = "hit";

    private readonly IHost _host;

    private WorkerTestHost(IHost host, TestKeys keys)
    {
        _host = host;
        Keys = keys;
    }

    public TestKeys Keys { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>A worker app whose JWKS is <see cref="Keys"/>; <paramref name="settings"/> replace the HitAuth defaults.</summary>
    public static WorkerTestHost Create(IDictionary<string, string?>? settings = null, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        if (Environment.GetEnvironmentVariable("HIT_TEST_LOGS") is null)
        {
            builder.Logging.ClearProviders();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>
        {
            ["HitAuth:Issuer"] = Issuer,
            ["HitAuth:Audience"] = Audience,
            ["HitAuth:JwksUrl"] = "http://auth.internal/.well-known/jwks.json",
            ["HitAuth:UnknownKidRefreshInterval"] = "00:00:00",
        })
        {
            builder.Configuration[key] = value;
        }

        var keys = new TestKeys();
        builder.AddHitPlatform();
        builder.Services.AddSingleton<IHitSigningKeySource>(keys);
        configure?.Invoke(builder);
        return new WorkerTestHost(builder.Build(), keys);
    }

    /// <summary>A request in its own DI scope, as the integration gives each invocation.</summary>
    public HttpContext Request(string? bearer = null, string? ns = null)
    {
        var http = new DefaultHttpContext { RequestServices = _host.Services.CreateScope().ServiceProvider };
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/test";
        http.Response.Body = new MemoryStream();
        if (bearer is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + bearer;
        }

        if (ns is not null)
        {
            http.Request.Headers[Tenancy.TenantNamespace.HeaderName] = ns;
        }

        return http;
    }

    public static async Task<JsonObject> ExecuteAsync(IResult result, HttpContext http)
    {
        await result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return JsonNode.Parse(http.Response.Body)!.AsObject();
    }

    public void Dispose() => _host.Dispose();
}

/// <summary>The auth app's JWKS as the worker sees it: keys can be added (rotation) and fetches are counted.</summary>
internal sealed class TestKeys : IHitSigningKeySource, IDisposable
{
    private readonly List<ECDsa> _keys = [];
    private readonly List<JsonWebKey> _published = [];

    public TestKeys() => Current = Add("key-1");

    public ECDsaSecurityKey Current { get; private set; }

    public int Fetches;

    public ECDsaSecurityKey Add(string kid)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(ecdsa);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        lock (_published)
        {
            _published.Add(jwk);
        }

        return Current = key;
    }

    public Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Fetches);
        lock (_published)
        {
            return Task.FromResult<IReadOnlyList<JsonWebKey>>(_published.ToArray());
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}

/// <summary>Hit access tokens, valid by default; each test breaks the one rule it is about.</summary>
internal static class Tokens
{
    public static SecurityTokenDescriptor Valid(string ns = "tenant-a")
    {
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = WorkerTestHost.Issuer,
            Audience = WorkerTestHost.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = HitTokenValidator.TokenType,
            Claims = new Dictionary<string, object> { ["sub"] = "user-1", ["ns"] = ns, ["email"] = "a@example.com", ["sid"] = "session-1" },
        };
    }

    public static string Sign(SecurityTokenDescriptor descriptor, SecurityKey key, string algorithm = SecurityAlgorithms.EcdsaSha256)
    {
        descriptor.SigningCredentials = new SigningCredentials(key, algorithm);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
