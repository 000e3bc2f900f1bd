using Microsoft.Extensions.Options;

namespace Hit.Files;

/// <summary>Settings of the files app (section <c>Files</c>, e.g. <c>Files__MaxUploadBytes</c>).</summary>
internal sealed class FilesOptions
{
    public const string Section = "Files";

    /// <summary>What multipart framing adds to a file part, at most: a declared body longer than the limit plus this cannot fit.</summary>
    public const long MultipartFramingBytes = 64 * 1024;

    /// <summary>Buckets uploads may name in <c>bucket_name</c>; anything else is refused with 400.</summary>
    public List<string> Buckets { get; set; } = [];

    public string DefaultBucket { get; set; } = "chat-bucket";

    /// <summary>Largest original accepted, through the API or a direct upload (default 100 MB).</summary>
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Lifetime of direct-upload (write) SAS URLs.</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of the read URLs in <c>GET /files/{id}</c>.</summary>
    public TimeSpan ReadUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public ThumbnailSettings Thumbnails { get; set; } = new();

    /// <summary>Deepest category level (roots are 0).</summary>
    public int MaxCategoryDepth { get; set; } = 5;

    public IReadOnlyList<string> AllowedBuckets => Buckets.Count > 0 ? Buckets : [DefaultBucket];
}

/// <summary>What the blob trigger makes.</summary>
internal sealed class ThumbnailSettings
{
    /// <summary>Boxes the image is fitted into, aspect kept, never enlarged (keys <c>128</c>, <c>256</c>, …).</summary>
    public List<int> Fit { get; set; } = [];

    /// <summary>Square cover crops (keys <c>256-square</c>, …).</summary>
    public List<int> Square { get; set; } = [];

    public int Quality { get; set; } = 82;

    /// <summary><c>Jpeg</c> (sources with transparency get PNG) or <c>Webp</c>.</summary>
    public Thumbnails.ThumbnailFormat Format { get; set; } = Thumbnails.ThumbnailFormat.Jpeg;

    /// <summary>Longest the decode and encodes of one image may take; a slower image fails with a reason, not a retry.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>libvips worker threads per image (process-wide); 2 matches the 2-core function instance.</summary>
    public int VipsConcurrency { get; set; } = 2;

    /// <summary>Largest original the trigger decodes; bigger images fail with a reason instead of exhausting memory.</summary>
    public long MaxInputBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest picture (width × height) decoded, checked from the header before any allocation (decompression bombs).</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    // Lists bound from configuration append to initial items, so the defaults are applied after binding.
    public IReadOnlyList<int> FitSizes => Fit.Count > 0 ? Fit : [128, 256, 1024];

    public IReadOnlyList<int> SquareSizes => Square.Count > 0 ? Square : [256];
}

internal sealed class FilesOptionsValidator : IValidateOptions<FilesOptions>
{
    public ValidateOptionsResult Validate(string? name, FilesOptions options)
    {
        var failures = new List<string>();
        foreach (var bucket in options.AllowedBuckets)
        {
            if (!Storage.BlobLayout.IsValidSegment(bucket))
            {
                failures.Add($"Files:Buckets: '{bucket}' must be 1–63 characters of lowercase letters, digits and '-'.");
            }
        }

        if (!options.AllowedBuckets.Contains(options.DefaultBucket, StringComparer.Ordinal))
        {
            failures.Add($"Files:DefaultBucket '{options.DefaultBucket}' must be one of Files:Buckets.");
        }

        if (options.MaxUploadBytes <= 0)
        {
            failures.Add("Files:MaxUploadBytes must be positive.");
        }

        if (options.UploadUrlLifetime <= TimeSpan.Zero || options.UploadUrlLifetime > TimeSpan.FromDays(7)
            || options.ReadUrlLifetime <= TimeSpan.Zero || options.ReadUrlLifetime > TimeSpan.FromDays(7))
        {
            failures.Add("Files:UploadUrlLifetime and Files:ReadUrlLifetime must be between 0 and 7 days (the SAS maximum).");
        }

        if (options.Thumbnails.FitSizes.Concat(options.Thumbnails.SquareSizes).Any(s => s is < 16 or > 4096))
        {
            failures.Add("Files:Thumbnails sizes must be between 16 and 4096 px.");
        }

        if (options.Thumbnails.Quality is < 1 or > 100)
        {
            failures.Add("Files:Thumbnails:Quality must be between 1 and 100.");
        }

        if (options.Thumbnails.MaxInputBytes <= 0 || options.Thumbnails.MaxPixels <= 0)
        {
            failures.Add("Files:Thumbnails:MaxInputBytes and MaxPixels must be positive.");
        }

        if (options.Thumbnails.Timeout <= TimeSpan.Zero || options.Thumbnails.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Files:Thumbnails:Timeout must be between 0 and 5 minutes (the function's own timeout is longer).");
        }

        if (options.Thumbnails.VipsConcurrency is < 1 or > 64)
        {
            failures.Add("Files:Thumbnails:VipsConcurrency must be between 1 and 64.");
        }

        if (!Enum.IsDefined(options.Thumbnails.Format))
        {
            failures.Add("Files:Thumbnails:Format must be Jpeg or Webp.");
        }

        if (options.MaxCategoryDepth is < 0 or > 32)
        {
            failures.Add("Files:MaxCategoryDepth must be between 0 and 32.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
