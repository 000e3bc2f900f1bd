using Hit.Imaging.Formats.Jpeg;
using Hit.Imaging.Processing;

namespace Hit.Imaging.Thumbnails;

/// <summary>How a source is fitted into a requested box.</summary>
public enum ThumbnailMode
{
    /// <summary>Keep the aspect ratio and fit inside the box (never enlarges unless <see cref="ThumbnailOptions.Upscale"/>).</summary>
    Fit = 0,

    /// <summary>Fill the box exactly, cropping the centre of the longer side.</summary>
    Cover,

    /// <summary>Stretch to exactly the box, ignoring the aspect ratio.</summary>
    Exact,
}

/// <summary>Output encoding of thumbnails.</summary>
public enum ThumbnailFormat
{
    /// <summary>PNG when the decoded source has an alpha channel, otherwise JPEG.</summary>
    Auto = 0,
    Jpeg,
    Png,
}

/// <summary>A requested bounding box in pixels.</summary>
public readonly record struct ThumbnailSize(int Width, int Height)
{
    /// <summary>
    /// How this size is fitted, overriding <see cref="ThumbnailOptions.Mode"/>: one call (one decode) can then make
    /// fitted sizes and cover crops together.
    /// </summary>
    public ThumbnailMode? Mode { get; init; }

    public static ThumbnailSize Square(int size) => new(size, size);

    public override string ToString() => $"{Width}x{Height}";
}

/// <summary>Options for <see cref="Thumbnailer"/>.</summary>
public sealed record ThumbnailOptions
{
    public static ThumbnailOptions Default { get; } = new();

    /// <summary>Boxes to produce; all come from one decode of the source.</summary>
    public IReadOnlyList<ThumbnailSize> Sizes { get; init; } = [ThumbnailSize.Square(256)];

    public ThumbnailMode Mode { get; init; } = ThumbnailMode.Fit;

    public ThumbnailFormat Format { get; init; } = ThumbnailFormat.Auto;

    /// <summary>JPEG quality 1–100.</summary>
    public int Quality { get; init; } = 85;

    public ChromaSubsampling Subsampling { get; init; } = ChromaSubsampling.Subsample420;

    public bool OptimizeHuffman { get; init; }

    public ResizeFilter Filter { get; init; } = ResizeFilter.Lanczos3;

    /// <summary>Allow <see cref="ThumbnailMode.Fit"/> to enlarge sources smaller than the box.</summary>
    public bool Upscale { get; init; }

    public ImagingLimits Limits { get; init; } = ImagingLimits.Default;
}

/// <summary>One encoded thumbnail.</summary>
public sealed record Thumbnail(ThumbnailSize Requested, int Width, int Height, ImageFormat Format, ReadOnlyMemory<byte> Data);

/// <summary>The thumbnails plus what the source was; source dimensions are as displayed (after EXIF orientation).</summary>
public sealed record ThumbnailResult(ImageFormat SourceFormat, int SourceWidth, int SourceHeight, IReadOnlyList<Thumbnail> Thumbnails);
