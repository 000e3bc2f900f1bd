using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.Auth.Keys;

/// <summary>Lifecycle of a signing key: published before it signs and after it stops, until revoked.</summary>
internal static class KeyStates
{
    /// <summary>Published, not signing yet: services cache it before any token uses it.</summary>
    public const string Standby = "standby";

    /// <summary>Signs new tokens (exactly one).</summary>
    public const string Current = "current";

    /// <summary>No longer signs; still published so tokens it signed stay valid until they expire.</summary>
    public const string Previous = "previous";

    /// <summary>Not published: tokens it signed are refused once services refresh their JWKS.</summary>
    public const string Revoked = "revoked";
}

/// <summary>One ES256 key; the private key only ever stored encrypted (<see cref="SecretProtector"/>, AAD = kid).</summary>
internal sealed record SigningKeyEntry(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("activatedAt")] DateTimeOffset? ActivatedAt,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("privateKey")] string ProtectedPrivateKey);

/// <summary>
/// All signing keys in one document, so every state change (rotation, revocation) is a single conditional
/// replace: there is never a moment with zero or two current keys.
/// </summary>
internal sealed record KeyRingDocument : CosmosDocument
{
    /// <summary>Not a tenant: the underscore keeps it outside the namespace alphabet, so no tenant can collide.</summary>
    public const string SystemNamespace = "_system";

    [JsonPropertyName("keys")]
    public required IReadOnlyList<SigningKeyEntry> Keys { get; init; }

    public static string DocumentId => CosmosKeys.Id("keyring");

    public static string PartitionKey => CosmosKeys.Pk(SystemNamespace, "keyring");

    [JsonIgnore]
    public SigningKeyEntry CurrentKey => Keys.Single(k => k.State == KeyStates.Current);

    [JsonIgnore]
    public IEnumerable<SigningKeyEntry> PublishedKeys => Keys.Where(k => k.State != KeyStates.Revoked);
}
