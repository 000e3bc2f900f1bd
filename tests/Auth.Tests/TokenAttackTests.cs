using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Auth.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Tests;

/// <summary>Every forged or out-of-policy token is refused with 401 by the platform handler (here on GET /users/me).</summary>
public sealed class TokenAttackTests(AuthFactory factory) : IClassFixture<AuthFactory>
{
    private async Task<(string Ns, string Token)> LiveTokenAsync()
    {
        var ns = AuthFactory.NewNamespace();
        var tokens = await factory.RegisterAsync(ns, AuthFactory.NewEmail("attack"));
        return (ns, tokens.AccessToken);
    }

    private async Task AssertRejected(string ns, string token)
    {
        using var response = await factory.Client(ns, token).GetAsync("/users/me");
        await response.AssertProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_TheUntamperedToken_IsAccepted()
    {
        var (ns, token) = await LiveTokenAsync();
        using var response = await factory.Client(ns, token).GetAsync("/users/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TamperedSignature_Is401()
    {
        var (ns, token) = await LiveTokenAsync();
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[10] ^= 0x01;
        await AssertRejected(ns, $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}");
    }

    [Fact]
    public async Task TamperedPayload_OtherNamespaceWithTheOriginalSignature_Is401()
    {
        var (ns, token) = await LiveTokenAsync();
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        var victim = AuthFactory.NewNamespace();
        payload["ns"] = victim;
        await AssertRejected(victim, $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}");
    }

    [Fact]
    public async Task AlgNone_Is401()
    {
        var (ns, token) = await LiveTokenAsync();
        var jwt = new JsonWebToken(token);
        var payload = Base64UrlEncoder.Decode(token.Split('.')[1]);
        await AssertRejected(ns, TokenMint.Raw($"{{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"{jwt.Kid}\"}}", payload));
        await AssertRejected(ns, TokenMint.Raw($"{{\"alg\":\"None\",\"typ\":\"at+jwt\",\"kid\":\"{jwt.Kid}\"}}", payload, token.Split('.')[2]));
    }

    [Fact]
    public async Task Hs256SignedWithThePublicKey_Is401()
    {
        var (ns, token) = await LiveTokenAsync();
        var kid = new JsonWebToken(token).Kid;
        using var jwksResponse = await factory.Client(ns).GetAsync("/.well-known/jwks.json");
        var jwks = await jwksResponse.Content.ReadAsStringAsync();
        var jwk = JsonNode.Parse(jwks)!["keys"]!.AsArray().Single(k => (string?)k!["kid"] == kid)!;
        var payload = Base64UrlEncoder.Decode(token.Split('.')[1]);
        var header = $"{{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"{kid}\"}}";

        // The classic confusion: the verifier's public key material used as an HMAC secret, in every plausible encoding.
        var x = Base64UrlEncoder.DecodeBytes((string)jwk["x"]!);
        var y = Base64UrlEncoder.DecodeBytes((string)jwk["y"]!);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(jwk.ToJsonString()), [0x04, .. x, .. y], ecdsa.ExportSubjectPublicKeyInfo(), Encoding.UTF8.GetBytes(ecdsa.ExportSubjectPublicKeyInfoPem()) })
        {
            await AssertRejected(ns, TokenMint.HmacSign(header, payload, secret));
        }
    }

    [Fact]
    public async Task Expired_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.IssuedAt = descriptor.NotBefore = DateTime.UtcNow.AddMinutes(-30);
        descriptor.Expires = DateTime.UtcNow.AddMinutes(-5);
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Fact]
    public async Task NotYetValid_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.NotBefore = DateTime.UtcNow.AddMinutes(5);
        descriptor.Expires = DateTime.UtcNow.AddMinutes(20);
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Fact]
    public async Task WrongAudience_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.Audience = "some-other-api";
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Fact]
    public async Task WrongIssuer_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.Issuer = "https://evil.example";
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Fact]
    public async Task UnknownKid_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRejected(ns, TokenMint.Sign(TokenMint.Valid(ns), new ECDsaSecurityKey(attacker) { KeyId = "attacker-kid" }, SecurityAlgorithms.EcdsaSha256));
    }

    [Fact]
    public async Task KnownKidButAnotherKey_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var kid = (await factory.Services.GetRequiredService<KeyRing>().GetAsync(CancellationToken.None)).CurrentKey.Kid;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRejected(ns, TokenMint.Sign(TokenMint.Valid(ns), new ECDsaSecurityKey(attacker) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256));
    }

    [Fact]
    public async Task NotAnAccessToken_TypJwt_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.TokenType = "JWT";
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Fact]
    public async Task MissingNamespaceClaim_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.Claims.Remove("ns");
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("....")]
    public async Task Garbage_Is401(string token) => await AssertRejected(AuthFactory.NewNamespace(), token);

    [Fact]
    public async Task OversizedToken_Is401()
    {
        var ns = AuthFactory.NewNamespace();
        var descriptor = TokenMint.Valid(ns);
        descriptor.Claims["pad"] = new string('x', 10_000);
        await AssertRejected(ns, await TokenMint.SignWithCurrentKeyAsync(factory, descriptor));
    }
}
