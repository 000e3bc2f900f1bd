using Hit.Platform.Auth.Jwt;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Auth.Keys;

/// <summary>The auth app validates its own tokens from its key ring, not by calling its own JWKS endpoint.</summary>
internal sealed class KeyRingSigningKeySource(KeyRing ring) : IHitSigningKeySource
{
    public async Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken)
    {
        // Always the stored ring: a refresh is triggered by an unknown kid, which may be a rotation elsewhere.
        ring.Invalidate();
        var document = await ring.GetAsync(cancellationToken);
        return [.. document.PublishedKeys.Select(ToJwk)];
    }

    internal static JsonWebKey ToJwk(SigningKeyEntry key) => new()
    {
        Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
        Crv = JsonWebKeyECTypes.P256,
        X = key.X,
        Y = key.Y,
        Kid = key.Kid,
        Use = "sig",
        Alg = SecurityAlgorithms.EcdsaSha256,
    };
}
