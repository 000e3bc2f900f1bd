using System.Globalization;
using System.Text;
using Hit.Contracts.Directory;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Directory.Users;

/// <summary>A validated query, ready to run; <see cref="Binding"/> is what its cursors are bound to.</summary>
internal sealed record UserQueryPlan(UserQuery Filters, string SortBy, bool Descending, int PageSize, string? After)
{
    public byte[] Binding { get; init; } = [];
}

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

    public static (UserQueryPlan? Plan, FieldError? Error) Plan(UserQuery query, string ns)
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

        var plan = new UserQueryPlan(query, sortBy, order == "desc", pageSize, null);
        // Bound to the filters, sort and namespace but not to the page size or position: a client may change the
        // page size between pages, and a cursor from another query, order or namespace is refused.
        var binding = QueryCursor.Bind(Build(ns, plan, forBinding: true), UserKeys.Pk(ns));
        string? after = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            try
            {
                after = QueryCursor.Decode(query.Cursor, binding);
            }
            catch (InvalidCursorException)
            {
                return (null, new("cursor", "The cursor is invalid, was altered, or belongs to another query; start again without one."));
            }
        }

        return (plan with { After = after, Binding = binding }, null);
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
        return (items, QueryCursor.Encode(SortKey(items[^1], plan.SortBy), plan.Binding));
    }

    /// <param name="forBinding">Leave out TOP and the position: the query a cursor is bound to.</param>
    internal static QueryDefinition Build(string ns, UserQueryPlan plan, bool forBinding = false)
    {
        var f = plan.Filters;
        var sql = new StringBuilder().Append(forBinding ? "SELECT" : string.Create(CultureInfo.InvariantCulture, $"SELECT TOP {plan.PageSize + 1}"))
            .Append(" * FROM c WHERE c.pk = @pk AND c.type = @type");
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
        if (plan.After is not null && !forBinding) { Where($"{field} {(plan.Descending ? "<" : ">")} @after", "@after", plan.After); }
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
}
