using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hit.Contracts.Directory;

/// <summary>A registered HackIt user. <c>email</c> and (<c>user_id</c>, <c>guild_id</c>) are unique per namespace.</summary>
/// <param name="Id">The record id the directory assigned (the <c>{id}</c> of <c>/users/{id}</c>).</param>
/// <param name="UserId">The Discord user id.</param>
/// <param name="GuildId">The Discord guild (server) id.</param>
/// <param name="RealName">The user's real name.</param>
/// <param name="Email">The e-mail address as registered (uniqueness ignores case).</param>
/// <param name="PhoneNumber">Optional phone number.</param>
/// <param name="DateOfBirth">Optional date of birth.</param>
/// <param name="Profile">Free-form profile fields.</param>
/// <param name="Namespace">The tenant namespace the user belongs to.</param>
/// <param name="CreatedAt">When the user was registered (UTC).</param>
/// <param name="UpdatedAt">When the user was last changed (UTC).</param>
public sealed record UserResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("guild_id")] string GuildId,
    [property: JsonPropertyName("real_name")] string RealName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("phone_number")] string? PhoneNumber,
    [property: JsonPropertyName("date_of_birth")] DateOnly? DateOfBirth,
    [property: JsonPropertyName("profile")] Dictionary<string, JsonElement> Profile,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>
/// <c>POST /users/</c>: registers a user. Required: user_id, guild_id, real_name, email. The ids may be sent as JSON
/// strings or as non-negative whole numbers (the seed's clients send numbers); either way they are kept as the string.
/// </summary>
public sealed record CreateUserRequest
{
    [JsonPropertyName("user_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    public string? UserId { get; init; }

    [JsonPropertyName("guild_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    public string? GuildId { get; init; }

    [JsonPropertyName("real_name")]
    public string? RealName { get; init; }

    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("phone_number")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PhoneNumber { get; init; }

    [JsonPropertyName("date_of_birth")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DateOfBirth { get; init; }

    [JsonPropertyName("profile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, JsonElement>? Profile { get; init; }
}

/// <summary>
/// <c>PUT /users/{id}</c>: a partial update. Absent (or null) fields keep their value; <c>profile</c> keys are merged,
/// and a profile key set to JSON <c>null</c> is removed.
/// </summary>
public sealed record UpdateUserRequest
{
    [JsonPropertyName("user_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UserId { get; init; }

    [JsonPropertyName("guild_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GuildId { get; init; }

    [JsonPropertyName("real_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RealName { get; init; }

    [JsonPropertyName("email")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Email { get; init; }

    [JsonPropertyName("phone_number")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PhoneNumber { get; init; }

    [JsonPropertyName("date_of_birth")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DateOfBirth { get; init; }

    [JsonPropertyName("profile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, JsonElement>? Profile { get; init; }
}

/// <summary><c>DELETE /users/{id}</c> answers the id that was removed.</summary>
public sealed record DeletedUserResponse([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("deleted")] bool Deleted);

/// <summary>One page of users; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record UserPage(
    [property: JsonPropertyName("items")] IReadOnlyList<UserResponse> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor,
    [property: JsonPropertyName("page_size")] int PageSize);

/// <summary>An inclusive time range; either end may be open.</summary>
public sealed record TimeRange(
    [property: JsonPropertyName("from")] DateTimeOffset? From = null,
    [property: JsonPropertyName("to")] DateTimeOffset? To = null);

/// <summary>An inclusive date range; either end may be open.</summary>
public sealed record DateRange(
    [property: JsonPropertyName("from")] DateOnly? From = null,
    [property: JsonPropertyName("to")] DateOnly? To = null);

/// <summary>
/// <c>POST /users/query</c>: every given filter must hold. Equality on ids and e-mail (case-insensitive), text
/// contains on names and e-mails (case-insensitive), ranges on dates; sorted by <see cref="SortBy"/> (then by id),
/// paged by an opaque cursor that keeps no item lost or repeated while others write.
/// </summary>
public sealed record UserQuery
{
    [JsonPropertyName("user_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UserId { get; init; }

    [JsonPropertyName("guild_id")]
    [JsonConverter(typeof(DiscordIdJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GuildId { get; init; }

    [JsonPropertyName("email")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Email { get; init; }

    [JsonPropertyName("phone_number")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PhoneNumber { get; init; }

    [JsonPropertyName("real_name_contains")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RealNameContains { get; init; }

    [JsonPropertyName("email_contains")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EmailContains { get; init; }

    [JsonPropertyName("created_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeRange? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeRange? UpdatedAt { get; init; }

    [JsonPropertyName("date_of_birth")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateRange? DateOfBirth { get; init; }

    /// <summary><c>created_at</c> (default), <c>updated_at</c>, <c>real_name</c>, <c>email</c> or <c>user_id</c>.</summary>
    [JsonPropertyName("sort_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SortBy { get; init; }

    /// <summary><c>asc</c> (default) or <c>desc</c>.</summary>
    [JsonPropertyName("sort_order")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SortOrder { get; init; }

    /// <summary>1–100, default 20.</summary>
    [JsonPropertyName("page_size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PageSize { get; init; }

    [JsonPropertyName("cursor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cursor { get; init; }
}
