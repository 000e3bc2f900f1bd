using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.Auth.Sessions;

/// <summary>
/// A session = one refresh-token family. Stored in the user's sessions partition (<c>ns|sessions|userId</c>) so
/// "log out everywhere" is one single-partition query. Only hashes of refresh secrets are kept, plus the current
/// secret encrypted, so the same client's concurrent refresh inside the grace window can be answered with the same token.
/// </summary>
internal sealed record SessionDocument : CosmosDocument
{
    [JsonPropertyName("sid")]
    public required string Sid { get; init; }

    [JsonPropertyName("userId")]
    public required string UserId { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("currentHash")]
    public required string CurrentHash { get; init; }

    [JsonPropertyName("currentSecret")]
    public required string ProtectedCurrentSecret { get; init; }

    [JsonPropertyName("previousHash")]
    public string? PreviousHash { get; init; }

    [JsonPropertyName("rotatedAt")]
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>
    /// <see cref="SessionStore.ClientBinding"/> of the request that made the last rotation: inside the grace window only a
    /// request with the same binding gets the current token again.
    /// </summary>
    [JsonPropertyName("rotationBinding")]
    public string? RotationBinding { get; init; }

    /// <summary>Hashes of spent refresh secrets (bounded); presenting one outside the grace window is reuse.</summary>
    [JsonPropertyName("retiredHashes")]
    public IReadOnlyList<string> RetiredHashes { get; init; } = [];

    [JsonPropertyName("generation")]
    public int Generation { get; init; }

    [JsonPropertyName("revokedAt")]
    public DateTimeOffset? RevokedAt { get; init; }

    [JsonPropertyName("revokedReason")]
    public string? RevokedReason { get; init; }

    [JsonIgnore]
    public bool IsRevoked => RevokedAt is not null;

    public static string IdFor(string sid) => CosmosKeys.Id("session", sid);

    public static string PkFor(string ns, string userId) => CosmosKeys.Pk(ns, "sessions", userId);
}
