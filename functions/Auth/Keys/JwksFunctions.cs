using Hit.Contracts.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.Auth.Keys;

/// <summary><c>GET /.well-known/jwks.json</c>: every key that is not revoked (standby, current, previous).</summary>
internal static class JwksFunctions
{
    public static IEndpointRouteBuilder MapJwksFunctions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", GetJwks).WithName(nameof(GetJwks)).WithTags("Keys")
            .WithSummary("The public ES256 keys that sign Hit access tokens (RFC 7517).");
        return app;
    }

    internal static async Task<Ok<JsonWebKeySetResponse>> GetJwks(KeyRing ring, HttpContext context, CancellationToken cancellationToken)
    {
        var document = await ring.GetAsync(cancellationToken);
        // Short enough that a revocation propagates quickly, long enough to absorb traffic; services refresh on an unknown kid anyway.
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new JsonWebKeySetResponse([.. document.PublishedKeys.Select(k =>
            new JsonWebKeyResponse("EC", "P-256", k.X, k.Y, k.Kid, "sig", "ES256"))]));
    }
}
