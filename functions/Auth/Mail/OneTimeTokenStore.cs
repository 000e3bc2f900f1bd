using System.Text.Json.Serialization;
using Hit.Auth.Keys;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Auth.Mail;

/// <summary>Why a one-time token exists; a token of one purpose is useless for the other.</summary>
internal static class TokenPurposes
{
    public const string VerifyEmail = "verify-email";
    public const string PasswordReset = "password-reset";
}

/// <summary>
/// An email-verification or password-reset token, stored only as its SHA-256 (<c>ns|otp|hash</c>). Single use: the
/// first consume sets <c>usedAt</c> under a filter predicate, so two concurrent uses cannot both succeed.
/// </summary>
internal sealed record OneTimeTokenDocument : CosmosDocument
{
    [JsonPropertyName("purpose")]
    public required string Purpose { get; init; }

    [JsonPropertyName("userId")]
    public required string UserId { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("usedAt")]
    public DateTimeOffset? UsedAt { get; init; }

    public static string IdFor(string hash) => CosmosKeys.Id("otp", hash);

    public static string PkFor(string ns, string hash) => CosmosKeys.Pk(ns, "otp", hash);
}

internal sealed class OneTimeTokenStore([FromKeyedServices(AuthStore.ContainerName)] HitContainer store, TimeProvider time)
{
    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAsync(string ns, string purpose, string userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var token = Secrets.NewToken();
        var hash = Secrets.Hash(token);
        var expiresAt = time.GetUtcNow() + lifetime;
        var document = new OneTimeTokenDocument
        {
            Id = OneTimeTokenDocument.IdFor(hash),
            Pk = OneTimeTokenDocument.PkFor(ns, hash),
            Ns = ns,
            Purpose = purpose,
            UserId = userId,
            ExpiresAt = expiresAt,
            // Azure deletes it after expiry plus a day (kept briefly so a late click gets "expired", not "unknown").
            Ttl = (int)(lifetime + TimeSpan.FromDays(1)).TotalSeconds,
        };
        await container.CreateItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken);
        return (token, expiresAt);
    }

    /// <summary>The user id the token was issued for, or null when it is unknown, expired, used, or of another purpose.</summary>
    public async Task<string?> ConsumeAsync(string ns, string purpose, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 43)
        {
            return null;
        }

        var container = await store.GetContainerAsync(cancellationToken);
        var hash = Secrets.Hash(token);
        var document = await container.ReadItemOrDefaultAsync<OneTimeTokenDocument>(OneTimeTokenDocument.IdFor(hash), OneTimeTokenDocument.PkFor(ns, hash), cancellationToken);
        if (document is null || document.Purpose != purpose || document.UsedAt is not null || document.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var result = await container.PatchIfAsync<OneTimeTokenDocument>(document.Id, document.Pk, "FROM c WHERE NOT IS_DEFINED(c.usedAt) OR IS_NULL(c.usedAt)",
            [PatchOperation.Set("/usedAt", time.GetUtcNow())], document.ETag, cancellationToken);
        return result.Applied ? document.UserId : null;
    }
}
