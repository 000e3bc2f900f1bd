using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hit.Platform.Auth.Jwt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Benchmarks;

/// <summary>
/// One Hit access-token validation with the key already cached (the steady state of every service), on one thread,
/// against the bare ES256 signature check of the same token as the reference: the difference is what parsing,
/// claim and lifetime checks cost on top of the cryptography.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private sealed class StaticKeys(JsonWebKey key) : IHitSigningKeySource
    {
        public Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JsonWebKey>>([key]);
    }

    private ECDsa _signer = null!;
    private HitTokenValidator _validator = null!;
    private HitTokenValidator _remembering = null!;
    private string _token = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = _signer.ExportParameters(false).Q;
        var jwk = new JsonWebKey { Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(q.X), Y = Base64UrlEncoder.Encode(q.Y), Kid = "bench", Alg = "ES256", Use = "sig" };
        // Every validation checks the signature (the remembered-result cache off): the cost of a token seen for the first time.
        var options = Options.Create(new HitJwtOptions { Issuer = "https://auth.hit.test", Audience = "hit", ValidatedTokenCacheDuration = TimeSpan.Zero });
        var cache = new HitJwksCache(new StaticKeys(jwk), options, TimeProvider.System, NullLogger<HitJwksCache>.Instance);
        _validator = new HitTokenValidator(cache, options, TimeProvider.System);
        var remembering = Options.Create(new HitJwtOptions { Issuer = "https://auth.hit.test", Audience = "hit" });
        _remembering = new HitTokenValidator(new HitJwksCache(new StaticKeys(jwk), remembering, TimeProvider.System, NullLogger<HitJwksCache>.Instance), remembering, TimeProvider.System);

        var now = DateTime.UtcNow;
        _token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://auth.hit.test",
            Audience = "hit",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString("N"), ["ns"] = "acme", ["email"] = "user@example.com", ["sid"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_signer) { KeyId = "bench" }, SecurityAlgorithms.EcdsaSha256),
        });
        var dot = _token.LastIndexOf('.');
        _signingInput = Encoding.ASCII.GetBytes(_token[..dot]);
        _signature = Base64UrlEncoder.DecodeBytes(_token[(dot + 1)..]);
        if (!Validate().IsValid)
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [Benchmark(Baseline = true, Description = "ES256 signature check alone (ECDsa.VerifyData)")]
    public bool SignatureOnly() => _signer.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "HitTokenValidator, cached key, signature checked")]
    public HitTokenValidation Validate() => _validator.ValidateAsync(_token).GetAwaiter().GetResult();

    [Benchmark(Description = "HitTokenValidator, same token again (remembered result)")]
    public HitTokenValidation ValidateRepeated() => _remembering.ValidateAsync(_token).GetAwaiter().GetResult();
}
