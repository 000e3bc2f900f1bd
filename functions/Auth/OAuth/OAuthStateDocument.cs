using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.Auth.OAuth;

/// <summary>
/// One sign-in attempt, stored under the hash of its <c>state</c> (<c>ns|oauth|hash</c>). It carries the PKCE
/// verifier towards the provider (encrypted), the nonce hash, and the app's own PKCE challenge and state; it is spent
/// on the first callback so a replayed state is refused.
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

    /// <summary>The app's S256 <c>code_challenge</c>, copied to the one-time code.</summary>
    [JsonPropertyName("codeChallenge")]
    public required string CodeChallenge { get; init; }

    /// <summary>The app's own <c>state</c>, echoed back on the redirect (optional).</summary>
    [JsonPropertyName("clientState")]
    public string? ClientState { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("usedAt")]
    public DateTimeOffset? UsedAt { get; init; }

    public static string IdFor(string stateHash) => CosmosKeys.Id("oauth", stateHash);

    public static string PkFor(string ns, string stateHash) => CosmosKeys.Pk(ns, "oauth", stateHash);
}

/// <summary>
/// The one-time code the callback hands the app instead of tokens (<c>ns|oauthcode|hash</c>, only the SHA-256 of the
/// code stored). It names the signed-in user and the app's PKCE challenge; <c>POST /oauth/token</c> deletes it under
/// its ETag before it issues anything, so of two redemptions exactly one wins.
/// </summary>
internal sealed record OAuthCodeDocument : CosmosDocument
{
    [JsonPropertyName("userId")]
    public required string UserId { get; init; }

    /// <summary>The app's S256 <c>code_challenge</c>: base64url(SHA-256(code_verifier)).</summary>
    [JsonPropertyName("codeChallenge")]
    public required string CodeChallenge { get; init; }

    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset ExpiresAt { get; init; }

    public static string IdFor(string codeHash) => CosmosKeys.Id("oauthcode", codeHash);

    public static string PkFor(string ns, string codeHash) => CosmosKeys.Pk(ns, "oauthcode", codeHash);
}
