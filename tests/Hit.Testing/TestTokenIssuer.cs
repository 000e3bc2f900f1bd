using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Testing;

/// <summary>
/// Hit access tokens for the tests of apps that consume them: an ES256 key whose JWKS is served on a real loopback
/// socket, so the app under test fetches and validates exactly as it does against the auth app (same claims, same
/// <c>typ</c>, same JWKS shape). The auth app's own tests and the end-to-end tests use the real auth app instead.
/// </summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    public const string Issuer = "http://hit.test";
    public const string Audience = "hit";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsaSecurityKey _signingKey;
    private readonly WebApplication _jwks;

    private TestTokenIssuer(WebApplication jwks)
    {
        _jwks = jwks;
        _signingKey = new ECDsaSecurityKey(_key) { KeyId = "test-" + Guid.NewGuid().ToString("N")[..8] };
    }

    /// <summary>Where the JWKS is served (<c>http://127.0.0.1:…/.well-known/jwks.json</c>).</summary>
    public Uri JwksUrl { get; private set; } = null!;

    /// <summary>The <c>HitAuth</c> settings (environment form) that make an app trust this issuer.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["HitAuth__Issuer"] = Issuer,
        ["HitAuth__Audience"] = Audience,
        ["HitAuth__JwksUrl"] = JwksUrl.ToString(),
    };

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var issuer = new TestTokenIssuer(app);
        app.MapGet("/.well-known/jwks.json", () => Results.Text(issuer.Jwks().ToJsonString(), "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        issuer.JwksUrl = new Uri(new Uri(address), "/.well-known/jwks.json");
        return issuer;
    }

    /// <summary>A valid access token for <paramref name="userId"/> in <paramref name="ns"/> (15 minutes).</summary>
    public string Token(string ns, string userId, string? email = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId,
                ["ns"] = ns,
                ["email"] = email ?? userId + "@example.com",
                ["sid"] = "session-" + userId,
            },
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private JsonObject Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_signingKey);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = jwk.Kty,
                ["crv"] = jwk.Crv,
                ["x"] = jwk.X,
                ["y"] = jwk.Y,
                ["kid"] = _signingKey.KeyId,
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.EcdsaSha256,
            }),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _jwks.DisposeAsync();
        _key.Dispose();
    }
}
