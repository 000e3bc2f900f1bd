using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hit.Contracts.Directory;
using Hit.Platform.Cosmos;

namespace Hit.Directory.Users;

/// <summary>
/// A user as stored. All users of a namespace, and their uniqueness lookups, share the partition <c>ns|users</c>, so
/// queries and paging stay single-partition.
/// </summary>
internal sealed record UserDocument : CosmosDocument
{
    public const string Kind = "user";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Kind;

    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    [JsonPropertyName("guild_id")]
    public required string GuildId { get; init; }

    [JsonPropertyName("real_name")]
    public required string RealName { get; init; }

    [JsonPropertyName("email")]
    public required string Email { get; init; }

    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    [JsonPropertyName("date_of_birth")]
    public DateOnly? DateOfBirth { get; init; }

    [JsonPropertyName("profile")]
    public Dictionary<string, JsonElement> Profile { get; init; } = [];

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Lower-cased copies the filters compare against (the local server has no case-insensitive CONTAINS).</summary>
    [JsonPropertyName("idx")]
    public required UserIndex Index { get; init; }

    /// <summary>One unique, ordinal-sortable key per sort field: <c>value \u0001 id</c>, so keyset paging has a total order.</summary>
    [JsonPropertyName("sort")]
    public required UserSortKeys Sort { get; init; }

    [JsonIgnore]
    public string EmailKey => Index.Email;

    public UserResponse ToResponse() =>
        new(Id, UserId, GuildId, RealName, Email, PhoneNumber, DateOfBirth, Profile, Ns, CreatedAt, UpdatedAt);

    /// <summary>A document with its derived fields (index, sort keys) computed from the user fields.</summary>
    public static UserDocument Create(string ns, string id, string userId, string guildId, string realName, string email,
        string? phone, DateOnly? dateOfBirth, Dictionary<string, JsonElement> profile, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        var index = new UserIndex(realName.ToLowerInvariant(), UserKeys.EmailKey(email), Timestamp(createdAt), Timestamp(updatedAt));
        return new UserDocument
        {
            Id = id,
            Pk = UserKeys.Pk(ns),
            Ns = ns,
            UserId = userId,
            GuildId = guildId,
            RealName = realName,
            Email = email,
            PhoneNumber = phone,
            DateOfBirth = dateOfBirth,
            Profile = profile,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
            Index = index,
            Sort = new UserSortKeys(
                SortKey(index.Created, id),
                SortKey(index.Updated, id),
                SortKey(index.RealName, id),
                SortKey(index.Email, id),
                SortKey(userId, id)),
        };
    }

    /// <summary>Fixed-width UTC, so ordinal string order is time order.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    // \u0001 sorts below every character a validated value may contain, so "bob" < "bob smith" holds for the keys too.
    private static string SortKey(string value, string id) => value + "\u0001" + id;
}

internal sealed record UserIndex(
    [property: JsonPropertyName("real_name")] string RealName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("updated")] string Updated);

internal sealed record UserSortKeys(
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("real_name")] string RealName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("user_id")] string UserId);

/// <summary>
/// A uniqueness claim: the document whose deterministic id is the unique value (<c>email|…</c>,
/// <c>discord|user|guild</c>) and that names the user holding it. Create-if-absent on that id is the lock.
/// </summary>
internal sealed record LookupDocument : CosmosDocument
{
    public const string Kind = "lookup";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Kind;

    [JsonPropertyName("target")]
    public required string Target { get; init; }

    [JsonPropertyName("claimed_at")]
    public required DateTimeOffset ClaimedAt { get; init; }
}

internal static class UserKeys
{
    public static string Pk(string ns) => CosmosKeys.Pk(ns, "users");

    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    public static string EmailLookupId(string emailKey) => CosmosKeys.Id("email", emailKey);

    public static string DiscordLookupId(string userId, string guildId) => CosmosKeys.Id("discord", userId, guildId);
}

[JsonSerializable(typeof(UserDocument))]
[JsonSerializable(typeof(UserDocument[]))]
[JsonSerializable(typeof(LookupDocument))]
internal sealed partial class UserJsonContext : JsonSerializerContext;
