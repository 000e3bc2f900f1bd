using Hit.Contracts.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Auth.Keys;

/// <summary><c>GET /.well-known/jwks.json</c>: every key that is not revoked (standby, current, previous).</summary>
internal sealed class JwksFunctions(KeyRing ring)
{
    /// <summary>The public ES256 keys that sign Hit access tokens (RFC 7517).</summary>
    [Function(nameof(GetJwks))]
    public async Task<Ok<JsonWebKeySetResponse>> GetJwks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ".well-known/jwks.json")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var document = await ring.GetAsync(cancellationToken);
        // Short enough that a revocation propagates quickly, long enough to absorb traffic; services refresh on an unknown kid anyway.
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new JsonWebKeySetResponse([.. document.PublishedKeys.Select(k =>
            new JsonWebKeyResponse("EC", "P-256", k.X, k.Y, k.Kid, "sig", "ES256"))]));
    }
}
