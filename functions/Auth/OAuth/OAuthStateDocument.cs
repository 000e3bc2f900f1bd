using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.Auth.OAuth;

/// <summary>
/// One sign-in attempt, stored under the hash of its <c>state</c> (<c>ns|oauth|hash</c>). It carries the PKCE
/// verifier (encrypted) and the nonce hash, and is spent on the first callback so a replayed state is refused.
/// </summary>
internal sealed record OAuthStateDocument : CosmosDocument
{
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    [JsonPropertyName("redirectUri")]
    public required string RedirectUri { get; init; }

    [JsonPropertyName("nonceHash")]
    public required string NonceHash { get; init; }

    [JsonPropertyName("verifier")]
    public required string ProtectedVerifier { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("usedAt")]
    public DateTimeOffset? UsedAt { get; init; }

    public static string IdFor(string stateHash) => CosmosKeys.Id("oauth", stateHash);

    public static string PkFor(string ns, string stateHash) => CosmosKeys.Pk(ns, "oauth", stateHash);
}
