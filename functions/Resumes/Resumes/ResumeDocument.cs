using System.Text.Json.Serialization;
using Hit.Contracts.Resumes;
using Hit.Platform.Cosmos;

namespace Hit.Resumes.Resumes;

/// <summary>
/// One resume as stored. Every resume of a namespace lives in one partition (<c>ns|resumes</c>), so listing, the
/// skill filter and "by user" are single-partition queries; a namespace's resumes must then fit Cosmos's 20 GB per
/// logical partition (≈ 500,000 resumes at the size limits), which is far beyond one tenant's job board.
/// </summary>
internal sealed record ResumeDocument : CosmosDocument
{
    public const string DocumentType = "resume";

    [JsonPropertyName("type")]
    public string Type { get; init; } = DocumentType;

    [JsonPropertyName("ownerId")]
    public required string OwnerId { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("summary")]
    public string Summary { get; init; } = "";

    [JsonPropertyName("skills")]
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>The skills folded for the filter (<c>ARRAY_CONTAINS</c> is exact): trimmed, lower-case invariant.</summary>
    [JsonPropertyName("skillKeys")]
    public IReadOnlyList<string> SkillKeys { get; init; } = [];

    [JsonPropertyName("experience")]
    public string Experience { get; init; } = "";

    [JsonPropertyName("education")]
    public string Education { get; init; } = "";

    [JsonPropertyName("published")]
    public bool Published { get; init; }

    [JsonPropertyName("attachmentFileId")]
    public string? AttachmentFileId { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; init; }

    public ResumeResponse ToResponse() =>
        new(Id, OwnerId, Title, Summary, Skills, Experience, Education, Published, AttachmentFileId, CreatedAt, UpdatedAt, ETag is null ? "" : ETags.Header(ETag));

    /// <summary>The stored document with <paramref name="fields"/> applied; skill keys follow the skills.</summary>
    public ResumeDocument With(ResumeFields fields, DateTimeOffset now) => this with
    {
        Title = fields.Title ?? Title,
        Summary = fields.Summary ?? Summary,
        Skills = fields.Skills ?? Skills,
        SkillKeys = fields.Skills is { } skills ? ResumeInput.SkillKeys(skills) : SkillKeys,
        Experience = fields.Experience ?? Experience,
        Education = fields.Education ?? Education,
        Published = fields.Published ?? Published,
        AttachmentFileId = fields.AttachmentSet ? fields.AttachmentFileId : AttachmentFileId,
        UpdatedAt = now,
        ETag = null,
    };
}

internal static class ResumeKeys
{
    public static string Pk(string ns) => CosmosKeys.Pk(ns, "resumes");
}

[JsonSerializable(typeof(ResumeDocument))]
[JsonSerializable(typeof(ResumeDocument[]))]
internal sealed partial class ResumeJsonContext : JsonSerializerContext;
