using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Hit.Files.Storage;

/// <summary>
/// Where a file's blobs live. Originals: <c>uploads/{ns}/{bucket}/{fileId}/{safe-name}</c>; thumbnails:
/// <c>thumbnails/{ns}/{bucket}/{fileId}/{size}.{jpg|png}</c>. The trigger reads the namespace, bucket and id back
/// from the path, so a file uploaded straight into storage by any client is registered like an API upload.
/// </summary>
internal static partial class BlobLayout
{
    /// <summary>Originals; the thumbnail trigger watches this container.</summary>
    public const string UploadsContainer = "uploads";

    /// <summary>Generated thumbnails: never the uploads container, so the trigger's output cannot trigger it again.</summary>
    public const string ThumbnailsContainer = "thumbnails";

    public static string Original(string ns, string bucket, string fileId, string safeName) => $"{ns}/{bucket}/{fileId}/{safeName}";

    public static string ThumbnailPrefix(string ns, string bucket, string fileId) => $"{ns}/{bucket}/{fileId}/";

    public static string Thumbnail(string ns, string bucket, string fileId, string sizeKey, string extension) =>
        $"{ThumbnailPrefix(ns, bucket, fileId)}{sizeKey}.{extension}";

    /// <summary>Splits an original's blob name; false for names that do not follow the layout.</summary>
    public static bool TryParseOriginal(string blobName, [NotNullWhen(true)] out OriginalPath? path)
    {
        path = null;
        var parts = blobName.Split('/');
        if (parts.Length != 4 || !Tenancy.IsValid(parts[0]) || !IsValidSegment(parts[1]) || !IsValidFileId(parts[2]) || parts[3].Length == 0)
        {
            return false;
        }

        path = new OriginalPath(parts[0], parts[1], parts[2], parts[3]);
        return true;
    }

    /// <summary>Bucket names: like container names (lowercase letters, digits, '-').</summary>
    public static bool IsValidSegment([NotNullWhen(true)] string? value) => value is not null && SegmentRegex().IsMatch(value);

    /// <summary>File ids: 32 lowercase hex for API uploads; direct uploads may pick any id of this alphabet.</summary>
    public static bool IsValidFileId([NotNullWhen(true)] string? value) => value is not null && FileIdRegex().IsMatch(value);

    public static string NewFileId() => Guid.CreateVersion7().ToString("N");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentRegex();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FileIdRegex();

    private static class Tenancy
    {
        public static bool IsValid(string value) => Hit.Platform.Tenancy.TenantNamespace.IsValid(value);
    }
}

internal sealed record OriginalPath(string Namespace, string Bucket, string FileId, string Name);
