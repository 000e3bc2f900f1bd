using System.Text.Json.Serialization;

namespace Hit.Contracts.Files;

/// <summary>Creates a category (<c>POST /categories</c>).</summary>
/// <param name="Title">The display title; the slug is derived from it.</param>
/// <param name="ParentId">The parent category; a root category when absent.</param>
public sealed record CreateCategoryRequest(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("parent_id")] string? ParentId = null);

/// <summary>Replaces a category's title and parent (<c>PUT /categories/{id}</c>); a null parent makes it a root.</summary>
public sealed record UpdateCategoryRequest(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("parent_id")] string? ParentId = null);

/// <summary>A category.</summary>
/// <param name="Slug">URL-safe, transliterated from the title, unique among its siblings in the namespace.</param>
/// <param name="Level">0 for roots, the parent's level + 1 for children.</param>
/// <param name="Children">Only in <c>GET /categories?tree=true</c>.</param>
public sealed record CategoryResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("parent_id")] string? ParentId,
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("children"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CategoryResponse>? Children = null);

/// <summary>The categories of a namespace: flat (each with its <c>parent_id</c>) or, with <c>?tree=true</c>, roots with nested children.</summary>
public sealed record CategoryListResponse([property: JsonPropertyName("items")] IReadOnlyList<CategoryResponse> Items);
