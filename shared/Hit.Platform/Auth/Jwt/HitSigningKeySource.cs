using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Auth.Jwt;

/// <summary>
/// Where the token validator gets the auth app's public keys. Services use <see cref="HttpJwksSource"/>; the auth
/// app itself registers a source that reads its own key ring, so it never calls itself over HTTP.
/// </summary>
public interface IHitSigningKeySource
{
    /// <summary>The published keys (any that are not EC P-256 are ignored by the cache).</summary>
    Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken);
}

/// <summary>Fetches <see cref="HitJwtOptions.JwksUrl"/>.</summary>
internal sealed class HttpJwksSource(IHttpClientFactory clients, IOptions<HitJwtOptions> options) : IHitSigningKeySource
{
    public const string HttpClientName = "hit-jwks";

    // A JWKS is a handful of keys; anything larger is not ours.
    private const int MaxJwksBytes = 64 * 1024;

    public async Task<IReadOnlyList<JsonWebKey>> FetchAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.JwksUrl ?? throw new InvalidOperationException($"{HitJwtOptions.Section}:JwksUrl is not configured.");
        using var client = clients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxJwksBytes)
        {
            throw new InvalidOperationException("The JWKS response is too large.");
        }

        var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (json.Length > MaxJwksBytes)
        {
            throw new InvalidOperationException("The JWKS response is too large.");
        }

        return new JsonWebKeySet(json).Keys.ToArray();
    }
}
