namespace Hit.Imaging;

/// <summary>Encoded image formats the library recognises.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Jpeg,
    Png,
    Gif,
    Bmp,
}

/// <summary>Detects the format from magic bytes only; file names are never consulted.</summary>
public static class ImageFormatDetector
{
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (data.Length >= 8 && data[..8].SequenceEqual(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 6 && (data[..6].SequenceEqual("GIF87a"u8) || data[..6].SequenceEqual("GIF89a"u8)))
        {
            return ImageFormat.Gif;
        }

        if (data.Length >= 18 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            return ImageFormat.Bmp;
        }

        return ImageFormat.Unknown;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
}
