using System.Text.Json.Serialization;

namespace Hit.Contracts.Resumes;

/// <summary>
/// A resume. Field names are the seed's snake_case contract. Requests are read field by field by the app (so an unknown
/// or mistyped field is named in the 400); these records are what it answers and what the SDK sends.
/// </summary>
/// <param name="Id">The resume id (32 hex characters).</param>
/// <param name="UserId">The owner: the subject of the access token that created it.</param>
/// <param name="Title">1–200 characters.</param>
/// <param name="Summary">Up to 5,000 characters.</param>
/// <param name="Skills">Up to 50 distinct skills (case-insensitive), each 1–60 characters, in the order given.</param>
/// <param name="Experience">Free text, up to 20,000 characters.</param>
/// <param name="Education">Free text, up to 10,000 characters.</param>
/// <param name="Published">Whether other users of the namespace may read it.</param>
/// <param name="AttachmentFileId">A PDF in the Files app, in the owner's namespace, or null.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ETag">The version, also sent as the <c>ETag</c> header; send it back in <c>If-Match</c>.</param>
public sealed record ResumeResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("skills")] IReadOnlyList<string> Skills,
    [property: JsonPropertyName("experience")] string Experience,
    [property: JsonPropertyName("education")] string Education,
    [property: JsonPropertyName("published")] bool Published,
    [property: JsonPropertyName("attachment_file_id")] string? AttachmentFileId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("etag")] string ETag);

/// <summary>A page of resumes, newest first; <paramref name="NextCursor"/> is null on the last page.</summary>
public sealed record ResumePage(
    [property: JsonPropertyName("items")] IReadOnlyList<ResumeResponse> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>
/// A new resume (<c>POST /resumes</c>). <paramref name="UserId"/> is optional and, when sent, must be the caller's
/// own id: the owner always comes from the access token.
/// </summary>
public sealed record CreateResumeRequest(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("summary"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Summary = null,
    [property: JsonPropertyName("skills"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Skills = null,
    [property: JsonPropertyName("experience"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Experience = null,
    [property: JsonPropertyName("education"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Education = null,
    [property: JsonPropertyName("published"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Published = null,
    [property: JsonPropertyName("attachment_file_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AttachmentFileId = null,
    [property: JsonPropertyName("user_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId = null);

/// <summary>
/// A partial update (<c>PUT /resumes/{id}</c>): only the fields sent change; null members are not sent.
/// <c>attachment_file_id: null</c> in the JSON removes the attachment (the SDK's <c>RemoveAttachmentAsync</c>).
/// </summary>
public sealed record UpdateResumeRequest(
    [property: JsonPropertyName("title"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonPropertyName("summary"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Summary = null,
    [property: JsonPropertyName("skills"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Skills = null,
    [property: JsonPropertyName("experience"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Experience = null,
    [property: JsonPropertyName("education"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Education = null,
    [property: JsonPropertyName("published"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Published = null,
    [property: JsonPropertyName("attachment_file_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AttachmentFileId = null);
