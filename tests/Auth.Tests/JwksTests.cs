using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Auth.Keys;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Hit.Platform.Cosmos;

namespace Auth.Tests;

public sealed class JwksTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    [Fact]
    public async Task Jwks_PublishesCurrentAndStandbyEs256Keys_WithKidAndCacheHeader()
    {
        using var response = await factory.Client("default").GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl!.ToString());
        var keys = (await response.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
        Assert.True(keys.Count >= 2);
        var ring = await factory.Services.GetRequiredService<KeyRing>().GetAsync(CancellationToken.None);
        Assert.Contains(keys, k => (string?)k!["kid"] == ring.CurrentKey.Kid);
        Assert.Contains(keys, k => ring.Keys.Any(r => r.Kid == (string?)k!["kid"] && r.State == KeyStates.Standby));
        foreach (var key in keys)
        {
            Assert.Equal("EC", (string?)key!["kty"]);
            Assert.Equal("P-256", (string?)key["crv"]);
            Assert.Equal("ES256", (string?)key["alg"]);
            Assert.Equal("sig", (string?)key["use"]);
            Assert.Null(key["d"]);
        }
    }

    [Fact]
    public async Task SigningKeys_AreStoredEncrypted_NeverAsPlainKeyMaterial()
    {
        await factory.Services.GetRequiredService<KeyRing>().GetAsync(CancellationToken.None);
        var container = await factory.Services.GetRequiredKeyedService<HitContainer>("auth").GetContainerAsync();
        using var raw = await container.ReadItemStreamAsync(KeyRingDocument.DocumentId, new PartitionKey(KeyRingDocument.PartitionKey));
        var json = JsonNode.Parse(raw.Content)!;
        foreach (var key in json["keys"]!.AsArray())
        {
            var stored = Convert.FromBase64String((string)key!["privateKey"]!);
            // version byte + 12-byte nonce + 16-byte tag + ciphertext; a PKCS#8 EC key would start with 0x30 (SEQUENCE).
            Assert.Equal(1, stored[0]);
            Assert.NotEqual(0x30, stored[0]);
            Assert.Null(key["d"]);
        }
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutesAndTheirBodies()
    {
        using var response = await factory.Client("default").GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonObject>())!["paths"]!.AsObject();
        foreach (var path in new[] { "/auth/register", "/auth/login", "/auth/refresh", "/api/users/signup", "/.well-known/jwks.json", "/users/me", "/oauth/{provider}", "/oauth/token" })
        {
            Assert.True(paths.ContainsKey(path), path);
        }

        Assert.NotNull(paths["/auth/register"]!["post"]!["requestBody"]);
    }
}
