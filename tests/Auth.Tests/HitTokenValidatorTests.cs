using System.Security.Cryptography;
using Hit.Platform.Auth.Jwt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Tests;

/// <summary>The shared validator in isolation: the remembered-result cache never outlives a token or a key.</summary>
public sealed class HitTokenValidatorTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class SwitchableKeys(JsonWebKey key) : IHitSigningKeySource
    {
        public bool Published { get; set; } = true;

        public int Fetches { get; private set; }

        public Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken)
        {
            Fetches++;
            return Task.FromResult<IReadOnlyList<JsonWebKey>>(Published ? [key] : []);
        }
    }

    private static (HitTokenValidator Validator, HitJwksCache Cache, SwitchableKeys Keys, ManualTime Time, ECDsaSecurityKey Signer) Create()
    {
        var signer = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "k1" };
        var q = signer.ECDsa.ExportParameters(false).Q;
        var keys = new SwitchableKeys(new JsonWebKey { Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(q.X), Y = Base64UrlEncoder.Encode(q.Y), Kid = "k1" });
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var options = Options.Create(new HitJwtOptions { Issuer = AuthFactory.Issuer, Audience = AuthFactory.Audience, UnknownKidRefreshInterval = TimeSpan.Zero });
        var cache = new HitJwksCache(keys, options, time, NullLogger<HitJwksCache>.Instance);
        return (new HitTokenValidator(cache, options, time), cache, keys, time, signer);
    }

    private static string Token(ECDsaSecurityKey signer, DateTimeOffset now, TimeSpan lifetime)
    {
        var descriptor = TokenMint.Valid("acme");
        descriptor.IssuedAt = descriptor.NotBefore = now.UtcDateTime;
        descriptor.Expires = (now + lifetime).UtcDateTime;
        return TokenMint.Sign(descriptor, signer, SecurityAlgorithms.EcdsaSha256);
    }

    [Fact]
    public async Task RememberedResult_EndsAtTheTokensExpiry()
    {
        var (validator, _, _, time, signer) = Create();
        var token = Token(signer, time.Now, TimeSpan.FromSeconds(40));

        Assert.True((await validator.ValidateAsync(token)).IsValid);
        time.Now += TimeSpan.FromSeconds(30);
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        // Past exp + the 30 s skew: the cached entry (capped at exp) must not answer.
        time.Now += TimeSpan.FromSeconds(45);
        var expired = await validator.ValidateAsync(token);
        Assert.False(expired.IsValid);
        Assert.Contains("expired", expired.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RememberedResult_IsDroppedWhenTheKeySetChanges()
    {
        var (validator, cache, keys, time, signer) = Create();
        var token = Token(signer, time.Now, TimeSpan.FromMinutes(15));
        Assert.True((await validator.ValidateAsync(token)).IsValid);

        keys.Published = false;
        Assert.True(await cache.RefreshAsync(CancellationToken.None));

        Assert.False((await validator.ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task FailedFetch_KeepsTheLastKeys()
    {
        var (validator, cache, keys, time, signer) = Create();
        var token = Token(signer, time.Now, TimeSpan.FromMinutes(15));
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        var failing = new HitJwksCache(new ThrowingKeys(), Options.Create(new HitJwtOptions { Issuer = "i" }), time, NullLogger<HitJwksCache>.Instance);

        Assert.False(await failing.RefreshAsync(CancellationToken.None));
        Assert.Empty(failing.CachedKeyIds);
        // The working cache, stale after its refresh interval, still answers from the last good set when a fetch fails.
        keys.Published = true;
        time.Now += TimeSpan.FromMinutes(11);
        Assert.NotNull(await cache.FindAsync("k1", CancellationToken.None));
    }

    private sealed class ThrowingKeys : IHitSigningKeySource
    {
        public Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken) => throw new HttpRequestException("down");
    }
}
