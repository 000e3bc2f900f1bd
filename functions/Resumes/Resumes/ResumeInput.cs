using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Hit.Platform.Errors;
using Hit.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.Resumes.Resumes;

/// <summary>The fields a request sets; null = not sent (for an update: unchanged). <see cref="AttachmentSet"/> tells "sent as null" from "not sent".</summary>
internal sealed record ResumeFields(
    string? Title,
    string? Summary,
    IReadOnlyList<string>? Skills,
    string? Experience,
    string? Education,
    bool? Published,
    string? AttachmentFileId,
    bool AttachmentSet,
    string? UserId);

/// <summary>
/// Reads a create or update body field by field, so every refusal names the field: unknown fields, wrong types,
/// lengths, control characters, skill count and duplicates. Nothing is stored unless the whole body is valid.
/// </summary>
internal static partial class ResumeInput
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxTitle = 200;
    public const int MaxSummary = 5_000;
    public const int MaxExperience = 20_000;
    public const int MaxEducation = 10_000;
    public const int MaxSkills = 50;
    public const int MaxSkillLength = 60;

    private static readonly string[] Known = ["user_id", "title", "summary", "skills", "experience", "education", "published", "attachment_file_id"];

    /// <summary>The body as fields, or the 400/413/415 to answer. <paramref name="create"/> requires a title.</summary>
    public static async Task<(ResumeFields? Fields, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, bool create, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            JsonBody.AnnounceAccepted(request);
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, $"The body must be JSON (Content-Type: {JsonBody.AcceptedMediaType}).", "Content-Type"));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        // Chunked bodies have no Content-Length: count while reading, and stop at the limit.
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk, 0, read);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException ex)
        {
            // The platform's wording (with the line and byte), under the code this app documents.
            return (null, Problems.BadRequest("body", JsonBody.Unreadable(ex).Message, ProblemCodes.BadRequest));
        }

        using (document)
        {
            return Parse(document.RootElement, create);
        }
    }

    internal static (ResumeFields? Fields, ProblemHttpResult? Problem) Parse(JsonElement root, bool create)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest("body", "The body must be a JSON object."));
        }

        string? title = null, summary = null, experience = null, education = null, attachment = null, userId = null;
        IReadOnlyList<string>? skills = null;
        bool? published = null;
        var attachmentSet = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (!Known.Contains(name, StringComparer.Ordinal))
            {
                return (null, Problems.BadRequest(Shorten(name), $"Unknown field '{Shorten(name)}'. Known fields: {string.Join(", ", Known)}."));
            }

            if (!seen.Add(name))
            {
                return (null, Problems.BadRequest(name, $"'{name}' appears twice."));
            }

            var value = property.Value;
            ProblemHttpResult? problem = null;
            switch (name)
            {
                case "title":
                    (title, problem) = Text(value, name, MaxTitle, required: true, multiline: false);
                    break;
                case "summary":
                    (summary, problem) = Text(value, name, MaxSummary, required: false, multiline: true);
                    break;
                case "experience":
                    (experience, problem) = Text(value, name, MaxExperience, required: false, multiline: true);
                    break;
                case "education":
                    (education, problem) = Text(value, name, MaxEducation, required: false, multiline: true);
                    break;
                case "skills":
                    (skills, problem) = Skills(value);
                    break;
                case "published":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        published = value.GetBoolean();
                    }
                    else
                    {
                        problem = Problems.BadRequest(name, "'published' must be true or false.");
                    }

                    break;
                case "attachment_file_id":
                    attachmentSet = true;
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        attachment = null;
                    }
                    else if (value.ValueKind == JsonValueKind.String && FileId().IsMatch(value.GetString()!))
                    {
                        attachment = value.GetString();
                    }
                    else
                    {
                        problem = Problems.BadRequest(name, "'attachment_file_id' must be a Files app file id (32 lowercase hex characters) or null.");
                    }

                    break;
                case "user_id":
                    if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 128 } id)
                    {
                        userId = id;
                    }
                    else
                    {
                        problem = Problems.BadRequest(name, "'user_id' must be a non-empty string (your own user id).");
                    }

                    break;
            }

            if (problem is not null)
            {
                return (null, problem);
            }
        }

        if (create && title is null)
        {
            return (null, Problems.BadRequest("title", "'title' is required."));
        }

        if (!create && userId is not null)
        {
            return (null, Problems.BadRequest("user_id", "A resume's owner cannot change."));
        }

        if (!create && seen.Count == 0)
        {
            return (null, Problems.BadRequest("body", "Send at least one field to change."));
        }

        return (new ResumeFields(title, summary, skills, experience, education, published, attachment, attachmentSet, userId), null);
    }

    /// <summary>The folded form used to filter by skill: trimmed and lower-cased (invariant), so "C#" matches "c#".</summary>
    public static IReadOnlyList<string> SkillKeys(IEnumerable<string> skills) =>
        skills.Select(SkillKey).ToArray();

    public static string SkillKey(string skill) => skill.Trim().Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);

    private static (string? Value, ProblemHttpResult? Problem) Text(JsonElement value, string field, int max, bool required, bool multiline)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return (null, Problems.BadRequest(field, $"'{field}' must be a string."));
        }

        var text = value.GetString()!.Normalize(NormalizationForm.FormC);
        if (!multiline)
        {
            text = text.Trim();
        }

        if (required && text.Trim().Length == 0)
        {
            return (null, Problems.BadRequest(field, $"'{field}' must not be empty."));
        }

        // Lengths in text elements (what a person counts), so an emoji is one character, not two or seven.
        if (new StringInfo(text).LengthInTextElements > max)
        {
            return (null, Problems.BadRequest(field, $"'{field}' is longer than {max} characters."));
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return (null, Problems.BadRequest(field, $"'{field}' contains control characters."));
            }
        }

        return (text, null);
    }

    private static (IReadOnlyList<string>? Value, ProblemHttpResult? Problem) Skills(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return (null, Problems.BadRequest("skills", "'skills' must be an array of strings."));
        }

        if (value.GetArrayLength() > MaxSkills)
        {
            return (null, Problems.BadRequest("skills", $"At most {MaxSkills} skills."));
        }

        var skills = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var field = $"skills[{index}]";
            var (skill, problem) = item.ValueKind == JsonValueKind.String
                ? Text(item, field, MaxSkillLength, required: true, multiline: false)
                : (null, Problems.BadRequest(field, $"'{field}' must be a string."));
            if (problem is not null)
            {
                return (null, problem);
            }

            if (!keys.Add(SkillKey(skill!)))
            {
                return (null, Problems.BadRequest(field, $"'{skill}' is listed twice (skills are compared ignoring case)."));
            }

            skills.Add(skill!);
            index++;
        }

        return (skills, null);
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, $"The body exceeds {MaxBodyBytes} bytes.", "body");

    private static string Shorten(string name) => name.Length > 64 ? name[..64] : name;

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex FileId();
}
