namespace Hit.Files;

/// <summary>Stable <c>code</c> values of the files app's problem responses (clients branch on them).</summary>
internal static class FileProblemCodes
{
    public const string MultipartRequired = "multipart_required";
    public const string FileMissing = "file_missing";
    public const string FieldAfterFile = "field_after_file";
    public const string BucketNotAllowed = "bucket_not_allowed";
    public const string InvalidTags = "invalid_tags";
    public const string UploadTooLarge = "upload_too_large";
    public const string FileNotFound = "file_not_found";
    public const string ThumbnailNotFound = "thumbnail_not_found";
    public const string UploadNotFound = "upload_not_found";
    public const string NotUploading = "not_uploading";
    public const string RangeNotSatisfiable = "range_not_satisfiable";
    public const string InvalidNamespace = "invalid_namespace";
}
