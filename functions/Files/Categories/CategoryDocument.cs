using System.Text.Json.Serialization;
using Hit.Contracts.Files;
using Hit.Platform.Cosmos;

namespace Hit.Files.Categories;

/// <summary>
/// One category. Every category of a namespace, its slug reservations and its tree lock share one partition
/// (<c>ns|categories</c>), so listing and tree building are single-partition queries; <c>type</c> tells them apart.
/// </summary>
internal sealed record CategoryDocument : CosmosDocument
{
    public const string Kind = "category";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Kind;

    [JsonPropertyName("categoryId")]
    public required string CategoryId { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("slug")]
    public required string Slug { get; init; }

    /// <summary>Null for a root. Written as JSON null (not omitted) so <c>c.parentId = null</c> matches roots.</summary>
    [JsonPropertyName("parentId")]
    public string? ParentId { get; init; }

    [JsonPropertyName("level")]
    public int Level { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Set by a delete in progress before it checks for children: a create or move that lands under this category
    /// meanwhile sees the mark when it re-reads its parent and backs out, so no child is orphaned.
    /// </summary>
    [JsonPropertyName("deletingAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeletingAt { get; init; }

    /// <summary>The slug reservation this category holds.</summary>
    [JsonIgnore]
    public string ReservationId => CategoryKeys.SlugId(ParentId, Slug);

    /// <summary>A delete mark only counts while fresh: one left by a delete that crashed must not block the category forever.</summary>
    public bool IsBeingDeleted(DateTimeOffset now) => DeletingAt is { } at && now - at < CategoryKeys.StaleAfter;

    public CategoryResponse ToResponse(IReadOnlyList<CategoryResponse>? children = null) =>
        new(CategoryId, Title, Slug, ParentId, Level, CreatedAt, UpdatedAt, children);
}

/// <summary>
/// Claims a slug among the children of one parent: the id is the (parent, slug) pair, so of two concurrent
/// creators exactly one create-if-absent succeeds. It counts only while the category it names still has that
/// parent and slug; one left behind by a crash is taken over once older than <see cref="CategoryKeys.StaleAfter"/>.
/// </summary>
internal sealed record SlugReservationDocument : CosmosDocument
{
    public const string Kind = "slug";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Kind;

    [JsonPropertyName("categoryId")]
    public required string CategoryId { get; init; }

    /// <summary>The parent id, or <c>root</c>.</summary>
    [JsonPropertyName("parentKey")]
    public required string ParentKey { get; init; }

    [JsonPropertyName("slug")]
    public required string Slug { get; init; }

    [JsonPropertyName("reservedAt")]
    public required DateTimeOffset ReservedAt { get; init; }
}

/// <summary>A lease that serialises moves (parent changes) within a namespace; see <see cref="TreeLock"/>.</summary>
internal sealed record TreeLockDocument : CosmosDocument
{
    public const string Kind = "lock";

    [JsonPropertyName("type")]
    public string Type { get; init; } = Kind;

    [JsonPropertyName("owner")]
    public required string Owner { get; init; }

    [JsonPropertyName("expiresAt")]
    public required DateTimeOffset ExpiresAt { get; init; }
}

internal static class CategoryKeys
{
    /// <summary>Root categories reserve their slugs under this key; category ids are 32 hex digits, so it cannot clash.</summary>
    public const string RootKey = "root";

    /// <summary>How long a reservation without its category, a delete mark or a tree lock is honoured (crash recovery).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public static string Pk(string ns) => CosmosKeys.Pk(ns, "categories");

    public static string Id(string categoryId) => CosmosKeys.Id(CategoryDocument.Kind, categoryId);

    public static string ParentKey(string? parentId) => parentId ?? RootKey;

    public static string SlugId(string? parentId, string slug) => CosmosKeys.Id(SlugReservationDocument.Kind, ParentKey(parentId), slug);

    public static string LockId() => CosmosKeys.Id(TreeLockDocument.Kind, "moves");
}

[JsonSerializable(typeof(CategoryDocument))]
[JsonSerializable(typeof(CategoryDocument[]))]
[JsonSerializable(typeof(SlugReservationDocument))]
[JsonSerializable(typeof(TreeLockDocument))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class CategoryDocumentsJsonContext : JsonSerializerContext;
