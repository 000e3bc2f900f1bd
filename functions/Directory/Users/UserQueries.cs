using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hit.Contracts.Directory;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Directory.Users;

/// <summary>A validated query, ready to run.</summary>
internal sealed record UserQueryPlan(UserQuery Filters, string SortBy, bool Descending, int PageSize, string? After);

/// <summary>
/// Filters, sort and keyset paging over the namespace's partition. Paging never uses OFFSET or the server's
/// continuation: the cursor is the last returned item's unique sort key, and the next page is "strictly after it" in
/// the same order, so items written or deleted meanwhile never make another item appear twice or be skipped.
/// </summary>
internal static class UserQueries
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    private static readonly string[] SortFields = ["created_at", "updated_at", "real_name", "email", "user_id"];

    public static (UserQueryPlan? Plan, FieldError? Error) Plan(UserQuery query)
    {
        var sortBy = query.SortBy ?? "created_at";
        if (!SortFields.Contains(sortBy))
        {
            return (null, new("sort_by", $"sort_by must be one of {string.Join(", ", SortFields)}."));
        }

        var order = query.SortOrder?.ToLowerInvariant() ?? "asc";
        if (order is not ("asc" or "desc"))
        {
            return (null, new("sort_order", "sort_order must be asc or desc."));
        }

        var pageSize = query.PageSize ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return (null, new("page_size", $"page_size must be between 1 and {MaxPageSize}."));
        }

        if (query.UserId is not null && UserValidation.DiscordId("user_id", query.UserId) is { } e1)
        {
            return (null, e1);
        }

        if (query.GuildId is not null && UserValidation.DiscordId("guild_id", query.GuildId) is { } e2)
        {
            return (null, e2);
        }

        if (query.RealNameContains is { Length: 0 or > UserValidation.MaxNameLength })
        {
            return (null, new("real_name_contains", $"real_name_contains must be 1–{UserValidation.MaxNameLength} characters."));
        }

        if (query.EmailContains is { Length: 0 or > UserValidation.MaxEmailLength })
        {
            return (null, new("email_contains", $"email_contains must be 1–{UserValidation.MaxEmailLength} characters."));
        }

        if (query.CreatedAt is { From: { } cf, To: { } ct } && cf > ct)
        {
            return (null, new("created_at", "created_at.from must not be after created_at.to."));
        }

        if (query.UpdatedAt is { From: { } uf, To: { } ut } && uf > ut)
        {
            return (null, new("updated_at", "updated_at.from must not be after updated_at.to."));
        }

        if (query.DateOfBirth is { From: { } df, To: { } dt } && df > dt)
        {
            return (null, new("date_of_birth", "date_of_birth.from must not be after date_of_birth.to."));
        }

        string? after = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            after = Cursor.Decode(query.Cursor, sortBy, order == "desc");
            if (after is null)
            {
                return (null, new("cursor", "The cursor is invalid or belongs to another sort order; start again without one."));
            }
        }

        return (new UserQueryPlan(query, sortBy, order == "desc", pageSize, after), null);
    }

    public static async Task<(IReadOnlyList<UserDocument> Items, string? NextCursor)> RunAsync(
        Container container, string ns, UserQueryPlan plan, CancellationToken cancellationToken)
    {
        var query = Build(ns, plan);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(UserKeys.Pk(ns)), MaxItemCount = plan.PageSize + 1 };
        var items = new List<UserDocument>(plan.PageSize + 1);
        using (var iterator = container.GetItemQueryIterator<UserDocument>(query, requestOptions: options))
        {
            while (iterator.HasMoreResults && items.Count <= plan.PageSize)
            {
                items.AddRange(await iterator.ReadNextAsync(cancellationToken));
            }
        }

        // One extra item was asked for only to learn whether another page exists.
        if (items.Count <= plan.PageSize)
        {
            return (items, null);
        }

        items.RemoveRange(plan.PageSize, items.Count - plan.PageSize);
        return (items, Cursor.Encode(plan.SortBy, plan.Descending, SortKey(items[^1], plan.SortBy)));
    }

    internal static QueryDefinition Build(string ns, UserQueryPlan plan)
    {
        var f = plan.Filters;
        var sql = new StringBuilder().Append(CultureInfo.InvariantCulture, $"SELECT TOP {plan.PageSize + 1} * FROM c WHERE c.pk = @pk AND c.type = @type");
        var parameters = new List<(string, object)> { ("@pk", UserKeys.Pk(ns)), ("@type", UserDocument.Kind) };

        void Where(string condition, string name, object value)
        {
            sql.Append(" AND ").Append(condition);
            parameters.Add((name, value));
        }

        if (f.UserId is not null) { Where("c.user_id = @userId", "@userId", f.UserId); }
        if (f.GuildId is not null) { Where("c.guild_id = @guildId", "@guildId", f.GuildId); }
        if (f.Email is not null) { Where("c.idx.email = @email", "@email", UserKeys.EmailKey(f.Email)); }
        if (f.PhoneNumber is not null) { Where("c.phone_number = @phone", "@phone", f.PhoneNumber); }
        if (f.RealNameContains is not null) { Where("CONTAINS(c.idx.real_name, @nameContains)", "@nameContains", f.RealNameContains.ToLowerInvariant()); }
        if (f.EmailContains is not null) { Where("CONTAINS(c.idx.email, @emailContains)", "@emailContains", f.EmailContains.ToLowerInvariant()); }
        if (f.CreatedAt?.From is { } createdFrom) { Where("c.idx.created >= @createdFrom", "@createdFrom", UserDocument.Timestamp(createdFrom)); }
        if (f.CreatedAt?.To is { } createdTo) { Where("c.idx.created <= @createdTo", "@createdTo", UserDocument.Timestamp(createdTo)); }
        if (f.UpdatedAt?.From is { } updatedFrom) { Where("c.idx.updated >= @updatedFrom", "@updatedFrom", UserDocument.Timestamp(updatedFrom)); }
        if (f.UpdatedAt?.To is { } updatedTo) { Where("c.idx.updated <= @updatedTo", "@updatedTo", UserDocument.Timestamp(updatedTo)); }
        if (f.DateOfBirth?.From is { } bornFrom) { Where("c.date_of_birth >= @bornFrom", "@bornFrom", bornFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); }
        if (f.DateOfBirth?.To is { } bornTo) { Where("c.date_of_birth <= @bornTo", "@bornTo", bornTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); }

        // The field name comes from the fixed list validated in Plan, never from the request text.
        var field = "c.sort." + plan.SortBy;
        if (plan.After is not null) { Where($"{field} {(plan.Descending ? "<" : ">")} @after", "@after", plan.After); }
        sql.Append(" ORDER BY ").Append(field).Append(plan.Descending ? " DESC" : " ASC");

        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition.WithParameter(name, value);
        }

        return definition;
    }

    private static string SortKey(UserDocument user, string sortBy) => sortBy switch
    {
        "created_at" => user.Sort.CreatedAt,
        "updated_at" => user.Sort.UpdatedAt,
        "real_name" => user.Sort.RealName,
        "email" => user.Sort.Email,
        _ => user.Sort.UserId,
    };

    /// <summary>
    /// <c>base64url({"s": sort field, "d": descending, "k": last sort key})</c>. It is only a position: it cannot widen
    /// a query (the namespace filter always applies), so it needs no integrity tag, just a matching sort order.
    /// </summary>
    internal static class Cursor
    {
        public static string Encode(string sortBy, bool descending, string key)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("s", sortBy);
                json.WriteBoolean("d", descending);
                json.WriteString("k", key);
                json.WriteEndObject();
            }

            return Base64Url.EncodeToString(buffer.ToArray());
        }

        public static string? Decode(string cursor, string sortBy, bool descending)
        {
            try
            {
                using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
                var root = json.RootElement;
                return root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == sortBy
                    && root.TryGetProperty("d", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False && d.GetBoolean() == descending
                    && root.TryGetProperty("k", out var k) && k.ValueKind == JsonValueKind.String && k.GetString() is { Length: > 0 and <= 1024 } key
                    ? key
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
