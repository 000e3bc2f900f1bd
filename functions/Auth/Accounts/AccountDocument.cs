using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.Auth.Accounts;

/// <summary>
/// An account, stored under its email key (<c>ns|account|sha256(email)</c>): the deterministic id makes the email
/// unique per namespace with a plain create (409 = taken).
/// </summary>
internal sealed record AccountDocument : CosmosDocument
{
    [JsonPropertyName("userId")]
    public required string UserId { get; init; }

    [JsonPropertyName("email")]
    public required string Email { get; init; }

    /// <summary>Argon2id PHC string (older accounts: a PasswordHasher v3 hash until their next login); null for accounts that only sign in through a provider.</summary>
    [JsonPropertyName("passwordHash")]
    public string? PasswordHash { get; init; }

    [JsonPropertyName("emailVerified")]
    public bool EmailVerified { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("failedLogins")]
    public int FailedLogins { get; init; }

    [JsonPropertyName("lockedUntil")]
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>Linked provider identities (<c>provider:subject</c>).</summary>
    [JsonPropertyName("externalLogins")]
    public IReadOnlyList<string> ExternalLogins { get; init; } = [];

    public static string IdFor(string emailKey) => CosmosKeys.Id("account", emailKey);

    public static string PkFor(string ns, string emailKey) => CosmosKeys.Pk(ns, "account", emailKey);
}

/// <summary>userId → email key, so tokens (which carry the user id) find their account with point reads.</summary>
internal sealed record UserPointerDocument : CosmosDocument
{
    [JsonPropertyName("emailKey")]
    public required string EmailKey { get; init; }

    public static string IdFor(string userId) => CosmosKeys.Id("user", userId);

    public static string PkFor(string ns, string userId) => CosmosKeys.Pk(ns, "user", userId);
}

/// <summary>provider identity → email key, so a provider account finds its linked account.</summary>
internal sealed record ExternalLoginDocument : CosmosDocument
{
    [JsonPropertyName("emailKey")]
    public required string EmailKey { get; init; }

    public static string IdFor(string provider, string subject) => CosmosKeys.Id("external", provider, subject);

    public static string PkFor(string ns, string provider, string subject) => CosmosKeys.Pk(ns, "external", provider, subject);
}
