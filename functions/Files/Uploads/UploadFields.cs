using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.Files.Uploads;

/// <summary>Validation of the upload's text fields, shared by multipart uploads and upload URLs.</summary>
internal static class UploadFields
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 64;

    public static ProblemHttpResult? Bucket(string? requested, FilesOptions options, string field, out string bucket)
    {
        bucket = string.IsNullOrWhiteSpace(requested) ? options.DefaultBucket : requested.Trim();
        if (options.AllowedBuckets.Contains(bucket, StringComparer.Ordinal))
        {
            return null;
        }

        return Problems.BadRequest(field, $"Bucket '{Truncate(bucket)}' is not allowed; use one of: {string.Join(", ", options.AllowedBuckets)}.",
            FileProblemCodes.BucketNotAllowed);
    }

    /// <summary>Tags: repeated fields or comma-separated, trimmed, de-duplicated (case-insensitive), order kept.</summary>
    public static ProblemHttpResult? Tags(IEnumerable<string> raw, string field, out List<string> tags)
    {
        tags = [];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in raw.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (tag.Length > MaxTagLength || tag.Any(char.IsControl))
            {
                return Problems.BadRequest(field, $"Each tag must be at most {MaxTagLength} characters without control characters.", FileProblemCodes.InvalidTags);
            }

            if (seen.Add(tag))
            {
                tags.Add(tag);
            }
        }

        return tags.Count > MaxTags ? Problems.BadRequest(field, $"At most {MaxTags} tags are allowed.", FileProblemCodes.InvalidTags) : null;
    }

    /// <summary>The multipart <c>public</c> field: absent = private; otherwise <c>true</c> or <c>false</c> (any case).</summary>
    public static ProblemHttpResult? Public(string? raw, string field, out bool isPublic)
    {
        isPublic = false;
        if (raw is null)
        {
            return null;
        }

        return bool.TryParse(raw.Trim(), out isPublic) ? null : Problems.BadRequest(field, $"`{field}` must be true or false.");
    }

    /// <summary>Client-claimed content types are recorded, so they are bounded and stripped of anything odd.</summary>
    public static string? Claimed(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : Truncate(new string([.. contentType.Trim().Where(c => c is >= ' ' and <= '~')]));

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];
}
