namespace Hit.Imaging;

/// <summary>
/// Safety limits checked against the header before any large allocation, so a small file that
/// declares a huge picture (a decompression bomb) is rejected instead of exhausting memory.
/// </summary>
public sealed record ImagingLimits
{
    /// <summary>Default limits: 64 MiB of input, 100 megapixels, 32768 px per side.</summary>
    public static ImagingLimits Default { get; } = new();

    public long MaxInputBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest width × height accepted from a header (before any scaled decode).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    public int MaxDimension { get; init; } = 32_768;

    internal void CheckDimensions(long width, long height)
    {
        if (width <= 0 || height <= 0)
        {
            ThrowHelper.Corrupt($"invalid image dimensions {width}x{height}");
        }

        if (width > MaxDimension || height > MaxDimension)
        {
            ThrowHelper.Limit($"image dimensions {width}x{height} exceed the limit of {MaxDimension} px per side");
        }

        if (width * height > MaxPixels)
        {
            ThrowHelper.Limit($"image of {width}x{height} pixels exceeds the limit of {MaxPixels} pixels");
        }
    }

    internal void CheckInputLength(long length)
    {
        if (length > MaxInputBytes)
        {
            ThrowHelper.Limit($"input of {length} bytes exceeds the limit of {MaxInputBytes} bytes");
        }
    }
}
